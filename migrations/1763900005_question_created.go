package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Until this release a recount (every vote and answer) saved its question
// with an empty `created`: PocketBase ignores Set on autodate fields. The
// time of day is lost, but the asking day is kept in today_ends, so the
// repair dates such a question at the start of the day it was asked
// (today_ends − 24 h), which keeps the top list's newest-first tie-break
// close to the truth.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`UPDATE questions
			SET created = strftime('%Y-%m-%d %H:%M:%fZ', today_ends, '-1 day')
			WHERE created = '' AND today_ends != ''`).Execute()
		if err != nil {
			return fmt.Errorf("restore questions' creation dates: %w", err)
		}
		return nil
	}, nil)
}
