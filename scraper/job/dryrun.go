package job

import (
	"context"
	"fmt"

	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

// dryRun walks and cleans like a real run but stores nothing and takes no
// lease: a check of the site and the parser.
func dryRun(ctx context.Context, o Options, progress Progress) (Result, error) {
	progress.Start("", o.Spec, false)
	var c store.Counts
	res := Result{Status: "ok"}
	fetcher, walker, roots, err := prepare(ctx, o.Spec, o)
	if err == nil {
		seen := map[string]struct{}{}
		err = walker.Walk(ctx, roots, func(out scraper.Outcome) error {
			switch out.Status {
			case scraper.StatusDone:
				c.PartitionsDone++
			case scraper.StatusSplit:
				c.PartitionsSplit++
			case scraper.StatusSplitInexact:
				c.PartitionsSplit++
				c.PartitionsIncomplete++
			case scraper.StatusIncomplete:
				c.PartitionsIncomplete++
			case scraper.StatusFailed:
				c.PartitionsFailed++
			}
			if out.Err != nil && out.Status != scraper.StatusSplit {
				c.Errors = append(c.Errors, out.Partition.Key()+": "+out.Err.Error())
			}
			for _, p := range out.Properties {
				seen[p.Roll.String()+"/"+p.PIN] = struct{}{}
			}
			c.RowsSeen = int64(len(seen))
			done, known := walker.Progress()
			progress.Update(done, known, c.RowsSeen)
			return nil
		})
		c.Requests, c.Retries = fetcher.Requests(), fetcher.Retries()
	}
	switch {
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
