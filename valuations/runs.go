package valuations

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/config"
)

// MaxRuns caps the run list.
const MaxRuns = 50

// Run is a scrape run's public figures: the run log without its lease.
type Run struct {
	ID                   string `json:"id" db:"id"`
	Started              string `json:"started" db:"started"`
	Finished             string `json:"finished" db:"finished"`
	Status               string `json:"status" db:"status"`
	Rolls                string `json:"rolls" db:"rolls"`
	Scope                string `json:"scope" db:"scope"`
	Year                 int    `json:"year" db:"year"`
	RowsSeen             int64  `json:"rowsSeen" db:"rows_seen"`
	RowsNew              int64  `json:"rowsNew" db:"rows_new"`
	RowsChanged          int64  `json:"rowsChanged" db:"rows_changed"`
	RowsUnchanged        int64  `json:"rowsUnchanged" db:"rows_unchanged"`
	RowsGone             int64  `json:"rowsGone" db:"rows_gone"`
	Requests             int64  `json:"requests" db:"requests"`
	Retries              int64  `json:"retries" db:"retries"`
	PartitionsDone       int64  `json:"partitionsDone" db:"partitions_done"`
	PartitionsFailed     int64  `json:"partitionsFailed" db:"partitions_failed"`
	PartitionsIncomplete int64  `json:"partitionsIncomplete" db:"partitions_incomplete"`
}

const runColumns = `r.id, r.started, r.finished, r.status, r.year, r.rolls, r.scope, r.rows_seen, r.rows_new,
	r.rows_changed, r.rows_unchanged, r.rows_gone, r.requests, r.retries, r.partitions_done,
	r.partitions_failed, r.partitions_incomplete`

func (s *Service) queryRuns(tail string, params dbx.Params) ([]Run, error) {
	runs := []Run{}
	if err := s.app.DB().NewQuery("SELECT " + runColumns + " FROM scrape_runs r " + tail).Bind(params).All(&runs); err != nil {
		return nil, fmt.Errorf("load scrape runs: %w", err)
	}
	return runs, nil
}

// Runs returns the newest limit runs.
func (s *Service) Runs(limit int) ([]Run, error) {
	return s.queryRuns("ORDER BY r.started DESC LIMIT {:limit}", dbx.Params{"limit": limit})
}

// Status is the freshness report of /api/status.
type Status struct {
	Status                string   `json:"status"` // ok or degraded
	Reasons               []string `json:"reasons"`
	LastSuccess           *Run     `json:"lastSuccess"`
	LastSuccessAgeSeconds *int64   `json:"lastSuccessAgeSeconds"`
	MaxAgeSeconds         int64    `json:"maxAgeSeconds"`
	LatestRun             *Run     `json:"latestRun"`
	Properties            struct {
		Present int64 `json:"present"`
		Gone    int64 `json:"gone"`
	} `json:"properties"`
	// Schedule is the scheduled scrape; nil when it is off.
	Schedule *Schedule `json:"schedule"`
}

// Schedule is when the scheduled scrape runs: its expression, zone and next
// start (RFC 3339, in the zone).
type Schedule struct {
	Cron     string `json:"cron"`
	TimeZone string `json:"timeZone"`
	Next     string `json:"next"`
}

// scheduleOf describes s as of now; nil when it is off or never fires.
func scheduleOf(s *config.Scrape, now time.Time) *Schedule {
	next, ok := s.Next(now)
	if !ok {
		return nil
	}
	return &Schedule{Cron: s.Cron, TimeZone: s.TimeZone, Next: next.Format(time.RFC3339)}
}

// Status reports whether a successful whole-roll scrape of the newest roll
// year finished within maxAge of now: older rolls are frozen and scraped on
// demand, so a run of one must not hide a stale current roll. The property
// counts (of that year) are counted once per data version.
func (s *Service) Status(now time.Time, maxAge time.Duration, v Version) (Status, error) {
	st := Status{Status: "ok", Reasons: []string{}, MaxAgeSeconds: int64(maxAge / time.Second)}
	last, err := s.queryRuns("WHERE r.status = 'ok' AND r.scope = '' AND r.year = (SELECT max(year) FROM scrape_runs) ORDER BY r.finished DESC LIMIT 1", nil)
	if err != nil {
		return st, err
	}
	latest, err := s.Runs(1)
	if err != nil {
		return st, err
	}
	if len(latest) > 0 {
		st.LatestRun = &latest[0]
	}
	if len(last) == 0 {
		st.Status = "degraded"
		st.Reasons = append(st.Reasons, "no whole-roll scrape has finished successfully yet")
	} else {
		st.LastSuccess = &last[0]
		finished, err := types.ParseDateTime(last[0].Finished)
		if err != nil {
			return st, fmt.Errorf("read finish time of run %s: %w", last[0].ID, err)
		}
		age := max(now.Sub(finished.Time()), 0)
		seconds := int64(age / time.Second)
		st.LastSuccessAgeSeconds = &seconds
		if age > maxAge {
			st.Status = "degraded"
			st.Reasons = append(st.Reasons, fmt.Sprintf("the last successful scrape finished %s ago, over the %s limit",
				roundHours(age), roundHours(maxAge)))
		}
	}
	if st.Status == "degraded" && st.LatestRun != nil && st.LatestRun.Status != "ok" && st.LatestRun.Status != "running" {
		st.Reasons = append(st.Reasons, fmt.Sprintf("the latest run (%s, started %s) ended %s", st.LatestRun.ID, st.LatestRun.Started, st.LatestRun.Status))
	}
	gone, present := Filter{Gone: new(true)}, Filter{Gone: new(false)}
	if err := s.inYear(&gone, v); err != nil {
		return st, err
	}
	present.Year = gone.Year
	if st.Properties.Gone, err = s.count(gone, v); err != nil {
		return st, err
	}
	if st.Properties.Present, err = s.count(present, v); err != nil {
		return st, err
	}
	return st, nil
}

// roundHours writes a duration as people read an age: "50h", "45m".
func roundHours(d time.Duration) string {
	if d >= time.Hour {
		return fmt.Sprintf("%dh", int64(d.Round(time.Hour)/time.Hour))
	}
	return fmt.Sprintf("%dm", int64(d.Round(time.Minute)/time.Minute))
}
