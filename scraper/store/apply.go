package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/rollcall/rollcall/scraper"
)

// writeCacheKiB is the SQLite page cache of the connection that stores.
const writeCacheKiB = 8000

// stored is a property row as read back for comparison; values follow
// tracked (a slice, not a map per row: an unchanged re-scrape loads every
// row of the roll).
type stored struct {
	id, goneAt string
	values     []*string
}

// Apply stores partitions' outcomes in a single transaction: new
// properties inserted, changed ones updated with a history record per
// changed field, unchanged ones not written at all, each partition
// checkpointed and the run's counters saved. Batching several partitions
// per transaction keeps small suburbs from costing a commit each.
func (s *Store) Apply(run *Run, outs ...scraper.Outcome) error {
	var added []string
	fresh := make([][]scraper.Property, len(outs))
	// late are repeats carrying the profile that the first sighting, from
	// an overlapping query stored earlier, did not.
	late := map[scraper.Roll][]scraper.Property{}
	run.seenMu.Lock()
	for i, out := range outs {
		for _, p := range out.Properties {
			key := seenKey(p.Roll, p.PIN)
			if _, dup := run.seen[key]; dup {
				if p.Details != nil {
					late[p.Roll] = append(late[p.Roll], p)
				}
				continue // already stored by an overlapping query of this run
			}
			run.seen[key] = struct{}{}
			added = append(added, key)
			fresh[i] = append(fresh[i], p)
		}
	}
	run.seenMu.Unlock()
	counts := run.Counts
	err := s.app.RunInTransaction(func(tx core.App) error {
		// The write connection's page cache (PocketBase sets 32 MB) fills
		// up during a whole-roll load; a smaller one keeps the scrape
		// within its memory budget at little cost to the appends.
		if _, err := tx.DB().NewQuery(fmt.Sprintf("PRAGMA cache_size = -%d", writeCacheKiB)).Execute(); err != nil {
			return fmt.Errorf("set cache size: %w", err)
		}
		byRoll := map[scraper.Roll][]scraper.Property{}
		for _, props := range fresh {
			for _, p := range props {
				byRoll[p.Roll] = append(byRoll[p.Roll], p)
			}
		}
		for _, props := range byRoll {
			if err := s.upsert(tx, run.Spec.Year, props, &counts, !run.BulkLoad, run.ID); err != nil {
				return err
			}
		}
		for _, props := range late {
			var uncounted Counts // the first sighting was counted
			if err := s.upsert(tx, run.Spec.Year, props, &uncounted, true, run.ID); err != nil {
				return err
			}
		}
		for i, out := range outs {
			if err := checkpoint(tx, run.ID, out, fresh[i]); err != nil {
				return err
			}
			counts.RowsSeen += int64(len(fresh[i]))
			if out.Err != nil && out.Status != scraper.StatusSplit {
				counts.Errors = appendError(counts.Errors, out.Partition.Key()+": "+out.Err.Error())
			}
		}
		return s.saveCounts(tx, run.ID, counts, "")
	})
	if err != nil {
		run.seenMu.Lock()
		for _, key := range added {
			delete(run.seen, key)
		}
		run.seenMu.Unlock()
		return err
	}
	run.Counts = counts
	return nil
}

// checkpoint records a partition's status and the properties it stored;
// a partition seen again (a retried failure) keeps its earlier properties.
func checkpoint(tx core.App, runID string, out scraper.Outcome, stored []scraper.Property) error {
	pins := make([]string, len(stored))
	for i, p := range stored {
		pins[i] = seenKey(p.Roll, p.PIN)
	}
	errText := ""
	if out.Err != nil {
		errText = out.Err.Error()
	}
	_, err := tx.DB().NewQuery(`INSERT INTO scrape_checkpoints (run, key, status, rows, pins, error)
		VALUES ({:run}, {:key}, {:status}, {:rows}, {:pins}, {:error})
		ON CONFLICT (run, key) DO UPDATE SET status = excluded.status, rows = excluded.rows,
			pins = scrape_checkpoints.pins || CASE WHEN scrape_checkpoints.pins != '' AND excluded.pins != '' THEN char(10) ELSE '' END || excluded.pins,
			error = excluded.error`).
		Bind(dbx.Params{"run": runID, "key": out.Partition.Key(), "status": string(out.Status), "rows": len(out.Properties), "pins": strings.Join(pins, "\n"), "error": errText}).Execute()
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", out.Partition.Key(), err)
	}
	return nil
}

// appendError keeps the run log's error list readable: the first 100.
func appendError(list []string, e string) []string {
	const keep = 100
	if len(list) < keep {
		return append(list, e)
	}
	if len(list) == keep {
		return append(list, "… more errors in the checkpoints (scrape_checkpoints.error)")
	}
	return list
}

func seenKey(roll scraper.Roll, pin string) string { return roll.String() + "/" + pin }

// upsert stores props (one roll). readBack is false on a first load into an
// empty table, which has stored nothing but what run.seen already filtered
// out: there is nothing to read back.
func (s *Store) upsert(tx core.App, year int, props []scraper.Property, counts *Counts, readBack bool, runID string) error {
	if len(props) == 0 {
		return nil
	}
	var existing map[string]stored
	if readBack {
		var err error
		if existing, err = s.load(tx, year, props[0].Roll, props); err != nil {
			return err
		}
	}
	now := s.stamp()
	var inserts []scraper.Property
	var history []historyRow
	for i := range props {
		p := &props[i]
		old, ok := existing[p.PIN]
		if !ok {
			inserts = append(inserts, *p)
			continue
		}
		set := dbx.Params{}
		for j, c := range tracked {
			if c.detail && p.Details == nil {
				continue
			}
			v := c.value(p)
			if !sameValue(old.values[j], v) {
				set[c.name] = sqlValue(c, v)
				history = append(history, historyRow{property: old.id, field: c.name, old: historyValue(c, old.values[j]), new: historyValue(c, v)})
			}
		}
		if old.goneAt != "" {
			set["gone_at"] = ""
			history = append(history, historyRow{property: old.id, field: "gone_at", old: quoteJSON(old.goneAt), new: nil})
		}
		changed := len(set) > 0
		if changed {
			for _, c := range where {
				set[c.name] = *c.value(p)
			}
			set["last_seen"] = now
			set["updated"] = now
			counts.RowsChanged++
		} else {
			counts.RowsUnchanged++
		}
		if p.Details != nil {
			set["details_at"] = now // read now, changed or not
		}
		if len(set) == 0 {
			continue
		}
		if _, err := tx.DB().Update("properties", set, dbx.HashExp{"id": old.id}).Execute(); err != nil {
			return fmt.Errorf("update property %s: %w", p.PIN, err)
		}
	}
	if err := s.insert(tx, year, inserts, now); err != nil {
		return err
	}
	counts.RowsNew += int64(len(inserts))
	return s.writeHistory(tx, runID, history, now)
}

// load reads the stored rows of props (one year and roll) by PIN.
func (s *Store) load(tx core.App, year int, roll scraper.Roll, props []scraper.Property) (map[string]stored, error) {
	names := make([]string, 0, len(tracked))
	for _, c := range tracked {
		names = append(names, "CAST(`"+c.name+"` AS TEXT)")
	}
	out := make(map[string]stored, len(props))
	for start := 0; start < len(props); start += 500 {
		chunk := props[start:min(start+500, len(props))]
		pins := make([]any, len(chunk))
		for i, p := range chunk {
			pins[i] = p.PIN
		}
		q := tx.DB().Select(append([]string{"id", "pin", "gone_at"}, names...)...).From("properties").
			Where(dbx.HashExp{"year": year, "roll": roll.String()}).AndWhere(dbx.In("pin", pins...))
		rows, err := q.Rows()
		if err != nil {
			return nil, fmt.Errorf("load properties: %w", err)
		}
		for rows.Next() {
			var id, pin, gone string
			vals := make([]sql.NullString, len(tracked))
			dest := []any{&id, &pin, &gone}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read property: %w", err)
			}
			st := stored{id: id, goneAt: gone, values: make([]*string, len(tracked))}
			for i := range tracked {
				st.values[i] = nullString(vals[i])
			}
			out[pin] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insert writes new properties with one prepared statement, reused for
// every row (large multi-row statements cost more to build and free in the
// pure-Go SQLite than they save).
func (s *Store) insert(tx core.App, year int, props []scraper.Property, now string) error {
	if len(props) == 0 {
		return nil
	}
	cols := []string{"id", "year", "roll", "pin", "first_seen", "last_seen", "gone_at", "created", "updated", "details_at"}
	for _, c := range tracked {
		cols = append(cols, c.name)
	}
	for _, c := range where {
		cols = append(cols, c.name)
	}
	names := make([]string, len(cols))
	placeholders := make([]string, len(cols))
	for i := range cols {
		names[i] = fmt.Sprintf("c%d", i)
		placeholders[i] = "{:" + names[i] + "}"
	}
	q := tx.DB().NewQuery("INSERT INTO properties (`" + strings.Join(cols, "`, `") + "`) VALUES (" + strings.Join(placeholders, ", ") + ")").Prepare()
	defer q.Close()
	params := make(dbx.Params, len(cols))
	values := make([]any, 0, len(cols))
	for i := range props {
		p := &props[i]
		detailsAt := ""
		if p.Details != nil {
			detailsAt = now
		}
		values = append(values[:0], s.ids.next(), year, p.Roll.String(), p.PIN, now, now, "", now, now, detailsAt)
		for _, c := range tracked {
			values = append(values, sqlValue(c, c.value(p)))
		}
		for _, c := range where {
			values = append(values, *c.value(p))
		}
		for j, v := range values {
			params[names[j]] = v
		}
		if _, err := q.Bind(params).Execute(); err != nil {
			return fmt.Errorf("insert property %s: %w", p.PIN, err)
		}
	}
	return nil
}

type historyRow struct {
	property, field string
	old, new        any
}

func (s *Store) writeHistory(tx core.App, runID string, rows []historyRow, now string) error {
	for _, h := range rows {
		_, err := tx.DB().Insert("property_history", dbx.Params{
			"id": core.GenerateDefaultRandomId(), "property": h.property, "run": runID, "field": h.field,
			"old": h.old, "new": h.new, "at": now,
		}).Execute()
		if err != nil {
			return fmt.Errorf("write history: %w", err)
		}
	}
	return nil
}

func sameValue(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// sqlValue is what an UPDATE writes: NULL for no value.
func sqlValue(c column, v *string) any {
	if v == nil {
		if c.json {
			return nil
		}
		return ""
	}
	return *v
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
