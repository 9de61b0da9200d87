package store

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/rollcall/rollcall/scraper"
)

func (s *Store) saveCounts(tx core.App, runID string, c Counts, status string) error {
	errs, _ := json.Marshal(append([]string{}, c.Errors...))
	fetches, _ := json.Marshal(c.FetchLog())
	set := dbx.Params{
		"partitions_done": c.PartitionsDone, "partitions_split": c.PartitionsSplit,
		"partitions_failed": c.PartitionsFailed, "partitions_incomplete": c.PartitionsIncomplete,
		"rows_seen": c.RowsSeen, "rows_new": c.RowsNew, "rows_changed": c.RowsChanged,
		"rows_unchanged": c.RowsUnchanged, "rows_gone": c.RowsGone,
		"requests": c.Requests, "retries": c.Retries, "fetches": string(fetches), "errors": string(errs),
	}
	if status != "" {
		set["status"] = status
		set["finished"] = s.stamp()
		set["lease_owner"] = ""
	}
	if _, err := tx.DB().Update("scrape_runs", set, dbx.HashExp{"id": runID}).Execute(); err != nil {
		return fmt.Errorf("save run counters: %w", err)
	}
	return nil
}

// Release gives up the lease of an interrupted run without closing it, so
// that the next run resumes it at once instead of waiting for the lease.
func (s *Store) Release(run *Run) error {
	if err := EnsureIndexes(s.app); err != nil {
		return err
	}
	_, err := s.app.DB().NewQuery("UPDATE scrape_runs SET lease_owner = '', heartbeat = '' WHERE id = {:id} AND lease_owner = {:owner}").
		Bind(dbx.Params{"id": run.ID, "owner": run.owner}).Execute()
	if err != nil {
		return fmt.Errorf("release run %s: %w", run.ID, err)
	}
	return nil
}

// partitionCounts recounts the partitions from the checkpoints, so that a
// partition that failed and then succeeded on resume counts once, as done.
func partitionCounts(tx core.App, runID string, c *Counts) error {
	rows, err := tx.DB().NewQuery("SELECT status, COUNT(*) FROM scrape_checkpoints WHERE run = {:run} GROUP BY status").Bind(dbx.Params{"run": runID}).Rows()
	if err != nil {
		return fmt.Errorf("count partitions: %w", err)
	}
	defer rows.Close()
	c.PartitionsDone, c.PartitionsSplit, c.PartitionsFailed, c.PartitionsIncomplete = 0, 0, 0, 0
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return err
		}
		c.AddPartitions(scraper.Status(status), n)
	}
	return rows.Err()
}

// AddPartitions counts n partitions that ended with status: a split by
// rate number (inexact) counts as split and incomplete.
func (c *Counts) AddPartitions(status scraper.Status, n int64) {
	switch status {
	case scraper.StatusDone:
		c.PartitionsDone += n
	case scraper.StatusSplit:
		c.PartitionsSplit += n
	case scraper.StatusSplitInexact:
		c.PartitionsSplit += n
		c.PartitionsIncomplete += n
	case scraper.StatusIncomplete:
		c.PartitionsIncomplete += n
	case scraper.StatusFailed:
		c.PartitionsFailed += n
	}
}

// Finish closes the run: blocked when the site kept answering with its
// firewall's block page (scraper.ErrSiteBlocks), failed on any other
// walkErr, partial when a partition failed or is incomplete, ok otherwise.
// Only an ok run of whole rolls marks the properties it did not see as
// gone. A closed run is never resumed: the next run starts afresh.
func (s *Store) Finish(run *Run, walkErr error) (status string, err error) {
	err = s.app.RunInTransaction(func(tx core.App) error {
		c := run.Counts
		if err := partitionCounts(tx, run.ID, &c); err != nil {
			return err
		}
		switch {
		case errors.Is(walkErr, scraper.ErrSiteBlocks):
			status = "blocked"
			c.Errors = append(c.Errors, walkErr.Error())
		case walkErr != nil:
			status = "failed"
			c.Errors = append(c.Errors, walkErr.Error())
		case c.PartitionsFailed > 0 || c.PartitionsIncomplete > 0:
			status = "partial"
		default:
			status = "ok"
		}
		// After a first load, every stored property is one this run saw:
		// none can be gone, and the check would read the whole roll.
		if status == "ok" && run.Spec.Suburb == "" && !run.BulkLoad {
			for _, roll := range run.Spec.Rolls {
				n, err := s.markGone(tx, run, roll)
				if err != nil {
					return err
				}
				c.RowsGone += n
			}
		}
		if err := s.saveCounts(tx, run.ID, c, status); err != nil {
			return err
		}
		// A closed run is never resumed: its PIN lists (about 5 MB per
		// whole-roll run) go; keys, statuses and errors stay for diagnosis.
		if _, err := tx.DB().NewQuery("UPDATE scrape_checkpoints SET pins = '' WHERE run = {:run} AND pins != ''").
			Bind(dbx.Params{"run": run.ID}).Execute(); err != nil {
			return fmt.Errorf("clear checkpoints of %s: %w", run.ID, err)
		}
		run.Counts = c
		return nil
	})
	if err != nil {
		return status, err
	}
	stale, err := ensureIndexes(s.app)
	if err != nil {
		return status, fmt.Errorf("run %s stored; %w", run.ID, err)
	}
	// New statistics when a run changed a tenth of what it saw (a first
	// load always): a daily run that changes little leaves them valid and
	// costs no full pass over the indexes.
	c := run.Counts
	if stale || (c.RowsNew+c.RowsChanged+c.RowsGone)*10 >= c.RowsSeen {
		if err := Analyze(s.app); err != nil {
			return status, fmt.Errorf("run %s stored; %w", run.ID, err)
		}
	}
	return status, nil
}

// markGone stamps gone_at on the roll's present properties this run did
// not see, with a history record each; nothing is deleted.
func (s *Store) markGone(tx core.App, run *Run, roll scraper.Roll) (int64, error) {
	rows, err := tx.DB().NewQuery("SELECT id, pin FROM properties WHERE year = {:year} AND roll = {:roll} AND gone_at = ''").Bind(dbx.Params{"year": run.Spec.Year, "roll": roll.String()}).Rows()
	if err != nil {
		return 0, fmt.Errorf("list present properties: %w", err)
	}
	var gone []string
	stillThere := 0
	for rows.Next() {
		var id, pin string
		if err := rows.Scan(&id, &pin); err != nil {
			rows.Close()
			return 0, err
		}
		if _, ok := run.seen[seenKey(roll, pin)]; ok {
			stillThere++
		} else {
			gone = append(gone, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(gone) == 0 {
		return 0, nil
	}
	// A run that saw none of a roll's stored properties would mark the
	// whole roll gone: a broken site, not a vanished city. Refuse.
	if stillThere == 0 {
		return 0, fmt.Errorf("refusing to mark all %d stored %s properties gone after a run that saw none of them", len(gone), roll)
	}
	now := s.stamp()
	history := make([]historyRow, 0, len(gone))
	for start := 0; start < len(gone); start += 500 {
		chunk := gone[start:min(start+500, len(gone))]
		ids := make([]any, len(chunk))
		for i, id := range chunk {
			ids[i] = id
			history = append(history, historyRow{property: id, field: "gone_at", old: nil, new: quoteJSON(now)})
		}
		if _, err := tx.DB().Update("properties", dbx.Params{"gone_at": now, "updated": now}, dbx.In("id", ids...)).Execute(); err != nil {
			return 0, fmt.Errorf("mark gone: %w", err)
		}
	}
	return int64(len(gone)), s.writeHistory(tx, run.ID, history, now)
}
