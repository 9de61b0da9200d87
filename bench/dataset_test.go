// Package bench measures Rollcall against PocketBase's own endpoints in the
// same run: the hooked vote write against a hook-free twin collection, and
// the top-20 endpoint against PocketBase's list and a static file. Run with
// `make bench`; nothing here runs under `make test`.
package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	_ "github.com/rollcall/rollcall/migrations"
	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ui"
)

// Dataset size named by the issue: 10k questions, 100k votes.
const (
	datasetQuestions = 10_000
	votesPerQuestion = 10
	seedUsers        = 12 // cast the seeded votes
	writerUsers      = 40 // cast the benchmark's new votes, never seeded pairs
)

// server is a Rollcall app with the dataset, served over loopback TCP.
type server struct {
	app      *tests.TestApp
	http     *httptest.Server
	qids     []string
	writers  []string // user ids
	tokens   []string // writers' tokens
	reader   string   // a user with votes and answers on the top 20
	readerID string
}

func newServer(b *testing.B) *server {
	b.Helper()
	dir, err := os.MkdirTemp("", "rollcall_bench_*")
	if err != nil {
		b.Fatal(err)
	}
	app, err := tests.NewTestApp(dir)
	if err != nil {
		b.Fatal(err)
	}
	_ = os.RemoveAll(dir)
	cfg := config.New()
	cfg.RateLimitExempt = []string{"127.0.0.1"} // the load comes from loopback
	if err := cfg.Resolve(); err != nil {
		b.Fatal(err)
	}
	hooks.Register(app, cfg)
	ui.Register(app, os.DirFS("../pb_public"))

	s := &server{app: app}
	start := time.Now()
	if err := s.populate(); err != nil {
		b.Fatal(err)
	}
	b.Logf("dataset: %d questions, %d votes in %s", datasetQuestions, datasetQuestions*votesPerQuestion, time.Since(start).Round(time.Millisecond))

	router, err := apis.NewRouter(app)
	if err != nil {
		b.Fatal(err)
	}
	var handler http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		handler, err = e.Router.BuildMux()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	s.http = httptest.NewServer(handler)
	b.Cleanup(func() {
		s.http.Close()
		app.Cleanup()
	})
	return s
}

func (s *server) populate() error {
	app := s.app
	users, err := app.FindCollectionByNameOrId(questions.Users)
	if err != nil {
		return err
	}
	var userIDs []string
	for i := 0; i < seedUsers+writerUsers+2; i++ { // + the reader and the asker
		u := core.NewRecord(users)
		u.Set("username", fmt.Sprintf("bench_%d", i))
		u.SetEmail(fmt.Sprintf("bench_%d@example.com", i))
		u.SetPassword("password123")
		// Hash cost only matters for sign-in, which is not measured here.
		if err := app.Save(u); err != nil {
			return err
		}
		userIDs = append(userIDs, u.Id)
		if i >= seedUsers && i < seedUsers+writerUsers {
			token, err := u.NewAuthToken()
			if err != nil {
				return err
			}
			s.writers = append(s.writers, u.Id)
			s.tokens = append(s.tokens, token)
		}
	}
	asker := userIDs[seedUsers+writerUsers+1]
	readerRec, err := app.FindRecordById(questions.Users, userIDs[seedUsers+writerUsers])
	if err != nil {
		return err
	}
	s.readerID = readerRec.Id
	if s.reader, err = readerRec.NewAuthToken(); err != nil {
		return err
	}

	// Bulk rows straight into the tables, then one rebuild: far faster than
	// 110k hooked saves, and it exercises the recount path at scale.
	now := time.Now().UTC()
	err = app.RunInTransaction(func(tx core.App) error {
		for i := 0; i < datasetQuestions; i++ {
			id := fmt.Sprintf("q%014d", i)
			created := types.NowDateTime().Add(-time.Duration(i) * time.Second).String()
			if _, err := tx.DB().Insert(questions.Questions, dbx.Params{
				"id": id, "title": fmt.Sprintf("Benchmark question %d", i), "description": "",
				"author": asker, "answers": 0, "likes": 0, "dislikes": 0,
				"ranking": 0, "today": false, "today_ends": "", "created": created, "updated": created,
			}).Execute(); err != nil {
				return err
			}
			s.qids = append(s.qids, id)
			for v := 0; v < votesPerQuestion; v++ {
				kind := questions.KindLike
				if (i+v)%3 == 0 {
					kind = questions.KindDislike
				}
				if _, err := tx.DB().Insert(questions.Votes, dbx.Params{
					"id": fmt.Sprintf("v%07d%07d", i, v), "question": id, "author": userIDs[(i+v)%seedUsers],
					"kind": kind, "created": created, "updated": created,
				}).Execute(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := questions.Rebuild(app, now); err != nil {
		return err
	}
	// The signed-in reader has a vote and an answer on every card of the top 20.
	top, err := questions.Top(app, questions.TopLimit)
	if err != nil {
		return err
	}
	votes, _ := app.FindCollectionByNameOrId(questions.Votes)
	answers, _ := app.FindCollectionByNameOrId(questions.Answers)
	for _, q := range top {
		v := core.NewRecord(votes)
		v.Load(map[string]any{"question": q.ID, "author": s.readerID, "kind": questions.KindLike})
		a := core.NewRecord(answers)
		a.Load(map[string]any{"question": q.ID, "author": s.readerID, "value": 4, "comment": "Benchmark"})
		if err := app.Save(v); err != nil {
			return err
		}
		if err := app.Save(a); err != nil {
			return err
		}
	}
	return s.addTwin()
}

// addTwin creates votes_twin: the votes collection's fields, indexes and
// rules, and no hooks (the hooks are bound by collection name).
func (s *server) addTwin() error {
	votes, err := s.app.FindCollectionByNameOrId(questions.Votes)
	if err != nil {
		return err
	}
	twin := core.NewBaseCollection("votes_twin")
	twin.ListRule, twin.ViewRule = votes.ListRule, votes.ViewRule
	twin.CreateRule, twin.UpdateRule, twin.DeleteRule = votes.CreateRule, votes.UpdateRule, votes.DeleteRule
	questionsCol, err := s.app.FindCollectionByNameOrId(questions.Questions)
	if err != nil {
		return err
	}
	twin.Fields.Add(
		&core.RelationField{Name: "question", Required: true, MaxSelect: 1, CollectionId: questionsCol.Id, CascadeDelete: true},
		&core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: votes.Fields.GetByName("author").(*core.RelationField).CollectionId, CascadeDelete: true},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"like", "dislike"}},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	twin.AddIndex("idx_twin_question_author", true, "`question`, `author`", "")
	twin.AddIndex("idx_twin_author", false, "`author`", "")
	twin.AddIndex("idx_twin_question_kind", false, "`question`, `kind`", "")
	if err := s.app.Save(twin); err != nil {
		return err
	}
	// Same rows too, so both sides insert into B-trees of the same depth.
	_, err = s.app.DB().NewQuery("INSERT INTO votes_twin (id, question, author, kind, created, updated) " +
		"SELECT id, question, author, kind, created, updated FROM votes").Execute()
	return err
}
