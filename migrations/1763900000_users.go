package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Usernames are lower case so "User_1" and "user_1" can never be two people.
const usernamePattern = `^[a-z0-9_]{3,30}$`

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return fmt.Errorf("find users: %w", err)
		}

		users.Fields.Add(&core.TextField{
			Name:     "username",
			Required: true,
			Min:      3,
			Max:      30,
			Pattern:  usernamePattern,
		})
		if name, ok := users.Fields.GetByName("name").(*core.TextField); ok {
			name.Max = 100
		}
		users.AddIndex("idx_users_username", true, "username", "")

		// Sign in by email or username; the 8-character minimum stays.
		users.PasswordAuth.IdentityFields = []string{"email", "username"}
		// New-device alert mails need SMTP, which a fresh install lacks.
		users.AuthAlert.Enabled = false

		// Profiles (username, name) are public so authors can be shown;
		// listing everyone is not, and emails stay hidden (see hooks/users.go).
		users.ViewRule = types.Pointer("")
		users.ListRule = types.Pointer("id = @request.auth.id")

		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.RemoveIndex("idx_users_username")
		users.Fields.RemoveByName("username")
		users.PasswordAuth.IdentityFields = []string{"email"}
		users.ViewRule = types.Pointer("id = @request.auth.id")
		return app.Save(users)
	})
}
