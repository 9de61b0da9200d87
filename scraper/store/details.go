package store

import (
	"fmt"

	"github.com/pocketbase/dbx"

	"github.com/rollcall/rollcall/scraper"
)

// PlanDetails picks, for a run with details, the properties whose profiles
// it refreshes although their list values did not change: the
// Spec.DetailsRefresh longest-unread ones in the run's scope. On a first
// load every property is new, so the same number bounds how many new ones
// are read; the rest follow in later runs' budgets.
func (s *Store) PlanDetails(run *Run) error {
	run.refresh = map[string]struct{}{}
	budget := run.Spec.DetailsRefresh
	if run.BulkLoad || budget <= 0 {
		run.newBudget.Store(int64(max(budget, 0)))
		return nil
	}
	rolls := make([]any, len(run.Spec.Rolls))
	for i, r := range run.Spec.Rolls {
		rolls[i] = r.String()
	}
	q := s.app.DB().Select("roll", "pin").From("properties").
		Where(dbx.HashExp{"gone_at": "", "year": run.Spec.Year}).AndWhere(dbx.In("roll", rolls...))
	if run.Spec.Suburb != "" {
		q = q.AndWhere(dbx.NewExp("(suburb_id = {:s} OR suburb = {:s} COLLATE NOCASE)", dbx.Params{"s": run.Spec.Suburb}))
	}
	var rows []struct {
		Roll string `db:"roll"`
		PIN  string `db:"pin"`
	}
	if err := q.OrderBy("details_at", "id").Limit(int64(budget)).All(&rows); err != nil {
		return fmt.Errorf("pick profiles to refresh: %w", err)
	}
	for _, r := range rows {
		run.refresh[r.Roll+"/"+r.PIN] = struct{}{}
	}
	return nil
}

// DetailsWanted says which of a partition's properties (one roll) need
// their profile read: new ones, changed ones, ones back from gone, and the
// run's refresh budget; never one this run has stored already.
func (s *Store) DetailsWanted(run *Run, props []scraper.Property) ([]bool, error) {
	want := make([]bool, len(props))
	var fresh []scraper.Property
	var at []int
	run.seenMu.RLock()
	for i, p := range props {
		if _, done := run.seen[seenKey(p.Roll, p.PIN)]; !done {
			fresh, at = append(fresh, p), append(at, i)
		}
	}
	run.seenMu.RUnlock()
	if len(fresh) == 0 {
		return want, nil
	}
	var existing map[string]stored
	if !run.BulkLoad {
		var err error
		if existing, err = s.load(s.app, run.Spec.Year, fresh[0].Roll, fresh); err != nil {
			return nil, err
		}
	}
	for k, p := range fresh {
		old, ok := existing[p.PIN]
		_, refresh := run.refresh[seenKey(p.Roll, p.PIN)]
		switch {
		case !ok && run.BulkLoad:
			want[at[k]] = run.newBudget.Add(-1) >= 0
		case !ok, old.goneAt != "", refresh:
			want[at[k]] = true
		default:
			want[at[k]] = listChanged(old, &p)
		}
	}
	return want, nil
}

// listChanged compares the values the result list shows (not the profile's).
func listChanged(old stored, p *scraper.Property) bool {
	for j, c := range tracked {
		if !c.detail && !sameValue(old.values[j], c.value(p)) {
			return true
		}
	}
	return false
}
