package job

import (
	"context"
	"errors"
	"fmt"

	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

// dryRun walks and cleans like a real run but stores nothing and takes no
// lease: a check of the site and the parser, with the same accounting.
func dryRun(ctx context.Context, o Options, progress Progress) (Result, error) {
	progress.Start("", o.Spec, false)
	var c store.Counts
	res := Result{Status: "ok"}
	walker, roots, err := prepare(ctx, o.Spec, o)
	if err == nil {
		seen := map[string]struct{}{}
		err = walker.Walk(ctx, roots, func(out scraper.Outcome) error {
			countOutcome(&c, out)
			for _, p := range out.Properties {
				seen[p.Roll.String()+"/"+p.PIN] = struct{}{}
			}
			c.RowsSeen = int64(len(seen))
			done, known := walker.Progress()
			progress.Update(done, known, c.RowsSeen)
			return nil
		})
	}
	if walker != nil {
		stats := walker.Fetcher.Stats()
		total := stats.Total()
		c.Requests, c.Retries = total.Requests, total.Retries
		c.Fetches = store.Fetches{FetchStats: stats, LeafPartitions: walker.Leaves()}
	}
	switch {
	case errors.Is(err, scraper.ErrSiteBlocks):
		res.Status = "blocked"
		err = fmt.Errorf("dry run blocked: %w", err)
	case err != nil:
		res.Status = "failed"
		err = fmt.Errorf("dry run failed: %w", err)
	case c.PartitionsFailed > 0 || c.PartitionsIncomplete > 0:
		res.Status = "partial"
	}
	res.Counts = c
	progress.Finish(res, err)
	return res, err
}

// countOutcome adds a partition's status and error to the counts.
func countOutcome(c *store.Counts, out scraper.Outcome) {
	c.AddPartitions(out.Status, 1)
	if out.Err != nil && out.Status != scraper.StatusSplit {
		c.Errors = append(c.Errors, out.Partition.Key()+": "+out.Err.Error())
	}
}
