package accounts

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/rollcall/rollcall/request"
)

// Username rules, as the users collection's field (migration 1763900000).
const (
	usernameMin = 3
	usernameMax = 30
	nameMax     = 100 // the users "name" field
)

// NameOAuth2User gives a user signing up through OAuth2 a valid, unique
// username (providers' usernames rarely fit ^[a-z0-9_]{3,30}$, and the
// field is required) and a display name that fits the field. What the
// client sent in createData is left as it is.
func (h *Hooks) NameOAuth2User(e *core.RecordAuthWithOAuth2RequestEvent) error {
	if !e.IsNewRecord || e.Collection.Name != Users || e.OAuth2User == nil {
		return e.Next()
	}
	if e.CreateData == nil {
		e.CreateData = map[string]any{}
	}
	if v, _ := e.CreateData["username"].(string); v == "" {
		email, _ := e.CreateData["email"].(string)
		if email == "" {
			email = e.OAuth2User.Email
		}
		username, err := UniqueUsername(e.App, e.OAuth2User.Username, e.OAuth2User.Name, emailLocalPart(email))
		if err != nil {
			return e.InternalServerError("Failed to choose a username.", err)
		}
		e.CreateData["username"] = username
	}
	// PocketBase maps the provider's name unless createData has one; a name
	// longer than the field or with control characters would fail the
	// sign-up, so give it the cleaned one.
	if _, ok := e.CreateData["name"]; !ok {
		e.CreateData["name"] = cleanName(e.OAuth2User.Name)
	}
	return e.Next()
}

// UniqueUsername derives a username from the first candidate that gives
// one (the provider's username, the name, the email's local part; "user"
// when none does) and makes it unique with a numeric suffix.
func UniqueUsername(app core.App, candidates ...string) (string, error) {
	base := "user"
	for _, c := range candidates {
		if s := Slug(c); s != "" {
			base = s
			break
		}
	}
	if len(base) < usernameMin {
		base += "_user"
	}
	// A few counted suffixes read well; past them, random ones find a free
	// name in one or two lookups however many "user_N" there are.
	for i := 1; i <= 30; i++ {
		suffix := ""
		switch {
		case i == 1:
		case i < 10:
			suffix = "_" + strconv.Itoa(i)
		default:
			suffix = "_" + security.RandomStringWithAlphabet(6, "0123456789")
		}
		candidate := base
		if len(candidate)+len(suffix) > usernameMax {
			candidate = strings.TrimRight(candidate[:usernameMax-len(suffix)], "_")
		}
		candidate += suffix
		taken, err := usernameTaken(app, candidate)
		if err != nil {
			return "", err
		}
		if !taken {
			return candidate, nil
		}
	}
	return "", errors.New("no free username for " + base)
}

func usernameTaken(app core.App, username string) (bool, error) {
	var one int
	err := app.DB().Select("(1)").From(Users).Where(dbx.HashExp{"username": username}).Limit(1).Row(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Slug turns a name into username characters: lower case, accents
// dropped, letters outside a–z removed, separators as one underscore, at
// most 30 characters. It may be empty or shorter than 3.
func Slug(s string) string {
	var b strings.Builder
	separate := false
	emit := func(t string) {
		if separate && b.Len() > 0 {
			b.WriteByte('_')
		}
		separate = false
		b.WriteString(t)
	}
	for _, r := range strings.ToLower(s) {
		if b.Len() >= usernameMax {
			break
		}
		switch folded, ok := asciiFold[r]; {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			emit(string(r))
		case ok:
			emit(folded)
		case r == '_' || r == '-' || r == '.' || r == '+' || unicode.IsSpace(r):
			separate = true
		}
		// Anything else (other scripts, symbols, combining marks) is dropped.
	}
	out := b.String()
	if len(out) > usernameMax {
		out = out[:usernameMax]
	}
	return strings.Trim(out, "_")
}

// asciiFold maps the accented Latin letters common in names to ASCII.
var asciiFold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįǐ", "j": "ĵ", "k": "ķ", "l": "ĺļľŀ", "n": "ñńņňŉ", "o": "òóôõöōŏőǒ",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűųǔ", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// emailLocalPart is what comes before the @ (without a +tag).
func emailLocalPart(email string) string {
	local, _, _ := strings.Cut(email, "@")
	local, _, _ = strings.Cut(local, "+")
	return local
}

// cleanName makes a provider's display name fit the users "name" field:
// control characters removed, spaces trimmed, at most 100 characters.
func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		// Direction marks are common around right-to-left names; the text
		// check refuses them, so they go rather than the whole sign-up.
		if unicode.IsControl(r) || r == utf8.RuneError || request.IsBidiControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > nameMax {
		name = strings.TrimSpace(string([]rune(name)[:nameMax]))
	}
	if request.CheckText(name, false) != nil {
		return "" // e.g. all invisible: the account gets its username as name
	}
	return name
}
