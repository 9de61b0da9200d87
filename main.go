// Command rollcall is one self-hosted binary: PocketBase plus ranked community
// questions and the Durban valuation roll. main only wires things together.
package main

import (
	"fmt"
	"io/fs"
	"log"
	"os"

	_ "time/tzdata" // time zones work on a bare machine and in the static image

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/cobra"

	"github.com/rollcall/rollcall/commands"
	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/sqlitedb"
	_ "github.com/rollcall/rollcall/migrations"
)

func main() {
	app, err := newApp()
	if err != nil {
		log.Fatal(err)
	}
	if err := app.Start(); err != nil {
		log.Println(err)
		os.Exit(1)
	}
}

// newApp wires Rollcall into a PocketBase app; its commands and flags are
// what `rollcall --help` shows.
func newApp() (*pocketbase.PocketBase, error) {
	// As pocketbase.New, with the log database's smaller cache and kept statements (internal/sqlitedb), and
	// dev mode (every SQL statement logged with its values) only with --dev:
	// PocketBase would guess `go run` from a binary under the temp dir.
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false, DBConnect: sqlitedb.Connect})
	cfg := config.New()
	cfg.BindFlags(app.RootCmd.PersistentFlags())
	app.RootCmd.PersistentPreRunE = func(*cobra.Command, []string) error { return cfg.Resolve() }

	// Migrations are Go files compiled in; the dashboard never writes new ones.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Automigrate: false})

	public, err := fs.Sub(publicFiles, "pb_public")
	if err != nil {
		return nil, fmt.Errorf("embedded site: %w", err)
	}
	hooks.Register(app, cfg, public)
	app.RootCmd.AddCommand(commands.Seed(app), commands.Ranking(app, cfg), commands.Scrape(app, cfg))
	return app, nil
}
