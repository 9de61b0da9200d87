package hooks

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
)

// registerUsers keeps emails private whatever a client asks for, and gives
// every account a display name.
func registerUsers(app core.App) {
	normalize := func(e *core.RecordEvent) error {
		e.Record.SetEmailVisibility(false)
		e.Record.Set("username", strings.TrimSpace(e.Record.GetString("username")))
		name := strings.TrimSpace(e.Record.GetString("name"))
		if name == "" {
			name = e.Record.GetString("username")
		}
		e.Record.Set("name", name)
		return e.Next()
	}
	app.OnRecordCreate(questions.Users).BindFunc(normalize)
	app.OnRecordUpdate(questions.Users).BindFunc(normalize)
}
