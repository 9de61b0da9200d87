package ranking

import (
	"testing"
	"time"
)

func TestScore(t *testing.T) {
	cases := []struct {
		name  string
		c     Counts
		today bool
		want  int
	}{
		{"challenge worked example", Counts{Answers: 6, Likes: 2, Dislikes: 1}, false, 67},
		{"worked example asked today", Counts{Answers: 6, Likes: 2, Dislikes: 1}, true, 77},
		{"empty, today", Counts{}, true, 10},
		{"dislikes go negative", Counts{Dislikes: 4}, false, -12},
	}
	for _, tc := range cases {
		if got := Score(tc.c, tc.today); got != tc.want {
			t.Errorf("%s: Score(%+v, %v) = %d, want %d", tc.name, tc.c, tc.today, got, tc.want)
		}
	}
}

func TestDayEnd(t *testing.T) {
	johannesburg := mustZone(t, "Africa/Johannesburg") // UTC+2, no DST
	newYork := mustZone(t, "America/New_York")
	// Santiago skips 00:00 → 01:00 when DST starts (first Sunday of September).
	santiago := mustZone(t, "America/Santiago")

	cases := []struct {
		name string
		at   time.Time
		loc  *time.Location
		want time.Time
	}{
		{"23:59 local ends at the next local midnight",
			time.Date(2026, 11, 23, 21, 59, 0, 0, time.UTC), johannesburg,
			time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)},
		{"00:01 local belongs to the new day",
			time.Date(2026, 11, 23, 22, 1, 0, 0, time.UTC), johannesburg,
			time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)},
		{"UTC day differs from the local day",
			time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC), newYork, // 18:30 EST
			time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)},
		{"25-hour day when DST ends",
			time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC), newYork, // 00:30 EDT
			time.Date(2026, 11, 2, 5, 0, 0, 0, time.UTC)},
		{"skipped midnight resolves to 01:00 of the new day",
			time.Date(2026, 9, 5, 12, 0, 0, 0, time.UTC), santiago,
			time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		if got := DayEnd(tc.at, tc.loc); !got.Equal(tc.want) {
			t.Errorf("%s: DayEnd(%v) = %v, want %v", tc.name, tc.at, got.UTC(), tc.want)
		}
	}
}

func TestBonusApplies(t *testing.T) {
	end := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	if !BonusApplies(end, end.Add(-time.Nanosecond)) {
		t.Error("bonus must apply up to the last instant of the day")
	}
	if BonusApplies(end, end) {
		t.Error("bonus must not apply at the day's end")
	}
	if BonusApplies(time.Time{}, end) {
		t.Error("a question without a day end never earns the bonus")
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
