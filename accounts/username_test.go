package accounts

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9_]{3,30}$`)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"alice":                           "alice",
		"Alice Smith":                     "alice_smith",
		"  John.Q.-Public  ":              "john_q_public",
		"José Müller-Lüdenscheidt":        "jose_muller_ludenscheidt",
		"Søren Ærø Straße":                "soren_aero_strasse",
		"Łukasz Żółć":                     "lukasz_zolc",
		"__x__":                           "x",
		"李小龙":                             "",
		"😀 emoji 😀":                       "emoji",
		"a!b@c#d":                         "abcd",
		strings.Repeat("long", 20):        strings.Repeat("long", 7) + "lo",
		"abcdefghij_abcdefghij_abcdefg_z": "abcdefghij_abcdefghij_abcdefg", // cut at 30, trailing _ trimmed
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUniqueUsername(t *testing.T) {
	app := apptest.NewEmpty(t)
	create := func(username string) {
		t.Helper()
		if _, err := apptest.CreateUser(app, "", username); err != nil {
			t.Fatal(err)
		}
	}
	create("alice")
	create("jo_user")
	cases := []struct {
		candidates []string
		want       string
	}{
		{[]string{"Bob", "Robert", "bob"}, "bob"},                                // the provider's username first
		{[]string{"", "Carol Danvers", "carol"}, "carol_danvers"},                // then the name
		{[]string{"李", "", emailLocalPart("dave.d+news@example.com")}, "dave_d"}, // then the email's local part, tag dropped
		{[]string{"", "", ""}, "user"},                                           // nothing usable
		{[]string{"alice"}, "alice_2"},                                           // taken: a numeric suffix
		{[]string{"Jo"}, "jo_user_2"},                                            // padded, then made unique
		{[]string{strings.Repeat("x", 40)}, strings.Repeat("x", 30)},             // cut to 30
	}
	for _, c := range cases {
		got, err := UniqueUsername(app, c.candidates...)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("UniqueUsername(%q) = %q, want %q", c.candidates, got, c.want)
		}
	}
	// Many taken: still a valid, free name within 30 characters.
	long := strings.Repeat("y", 30)
	create(long)
	for i := 2; i <= 9; i++ {
		create(long[:28] + "_" + string(rune('0'+i)))
	}
	got, err := UniqueUsername(app, long)
	if err != nil {
		t.Fatal(err)
	}
	if !usernamePattern.MatchString(got) || !strings.HasPrefix(got, "yyyy") {
		t.Fatalf("got %q", got)
	}
	if taken, _ := usernameTaken(app, got); taken {
		t.Fatalf("%q is taken", got)
	}
}

func TestEmailLocalPart(t *testing.T) {
	for in, want := range map[string]string{"dave+news@example.com": "dave", "x@y": "x", "": "", "nodomain": "nodomain"} {
		if got := emailLocalPart(in); got != want {
			t.Errorf("emailLocalPart(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	long := strings.Repeat("é", 120)
	for in, want := range map[string]string{
		"  Ada Lovelace ":       "Ada Lovelace",
		"Bad\x00\x1fName\u0085": "BadName",
		long:                    strings.Repeat("é", 100),
		"\u200fנועה כהן\u200f":  "נועה כהן",
		"\u202eevil\u2028name":  "evilname",
		"\u200b\u200b":          "",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
