package questions

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// refreshBatch bounds how long one transaction holds the single write
// connection while many questions change at once.
const refreshBatch = 500

// ExpireBonuses drops the "asked today" bonus from every question whose day
// has ended by now, and reports how many changed. It is idempotent and
// catches up any number of missed days at once. Each batch is found and
// recounted inside one write transaction: a question insert still in flight
// commits before the lookup, so it cannot slip past it; and a vote racing
// the rollover can neither keep nor remove the bonus twice.
func ExpireBonuses(app core.App, now time.Time) (int, error) {
	cutoff, err := types.ParseDateTime(now)
	if err != nil {
		return 0, fmt.Errorf("rollover time: %w", err)
	}
	changed := 0
	for {
		var batch []string
		saved := 0
		err := app.RunInTransaction(func(txApp core.App) error {
			// Written to match the partial index idx_questions_today_ends.
			err := txApp.DB().Select("id").From(Questions).
				Where(dbx.NewExp("[[today]] = TRUE AND [[today_ends]] <= {:cutoff}", dbx.Params{"cutoff": cutoff.String()})).
				Limit(refreshBatch).Column(&batch)
			if err != nil {
				return fmt.Errorf("find questions past their day: %w", err)
			}
			for _, id := range batch {
				ok, err := Refresh(txApp, id, now)
				if err != nil {
					return err
				}
				if ok {
					saved++
				}
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
		changed += saved
		if len(batch) < refreshBatch || saved == 0 {
			return changed, nil
		}
	}
}

// RefreshAll recounts the given questions in batched transactions and
// reports how many were saved with new values.
func RefreshAll(app core.App, ids []string, now time.Time) (int, error) {
	changed := 0
	for start := 0; start < len(ids); start += refreshBatch {
		batch := ids[start:min(start+refreshBatch, len(ids))]
		err := app.RunInTransaction(func(txApp core.App) error {
			for _, id := range batch {
				ok, err := Refresh(txApp, id, now)
				if errors.Is(err, ErrNoQuestion) {
					continue // deleted since it was listed
				}
				if err != nil {
					return err
				}
				if ok {
					changed++
				}
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}
