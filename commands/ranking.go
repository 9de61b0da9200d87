// Package commands holds Rollcall's CLI commands beside PocketBase's own
// (serve, migrate, superuser).
package commands

import (
	"fmt"
	"text/tabwriter"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/crossprocess"
	"github.com/rollcall/rollcall/questions"
)

// Ranking is `rollcall ranking check|rebuild`.
func Ranking(app core.App, cfg *config.Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ranking",
		Short: "Check or rebuild the stored question rankings against a recount",
	}
	cmd.AddCommand(&cobra.Command{
		Use:          "check",
		Short:        "List questions whose stored counters or ranking differ from a recount; exit 1 if any",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("apply migrations: %w", err)
			}
			drifts, err := questions.Check(app, cfg.Now())
			if err != nil {
				return err
			}
			if len(drifts) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "ranking check: 0 questions differ from a recount")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSTORED a/l/d/today → ranking\tRECOUNT a/l/d/today → ranking\tTITLE")
			for _, d := range drifts {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", d.ID, formatStored(d.Stored), formatStored(d.Want), d.Title)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return fmt.Errorf("ranking check: %d question(s) differ from a recount; run `rollcall ranking rebuild`", len(drifts))
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:          "rebuild",
		Short:        "Recount every question and save those that differ",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("apply migrations: %w", err)
			}
			n, err := questions.Rebuild(app, cfg.Now())
			if err != nil {
				return err
			}
			if n > 0 {
				if err := crossprocess.Notify(app); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ranking rebuild: %d question(s) changed\n", n)
			return nil
		},
	})
	return cmd
}

func formatStored(s questions.Stored) string {
	return fmt.Sprintf("%d/%d/%d/%t → %d", s.Answers, s.Likes, s.Dislikes, s.Today, s.Ranking)
}
