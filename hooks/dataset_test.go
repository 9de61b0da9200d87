package hooks_test

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ranking"
)

// full runs the proofs at the full size; `make test` leaves it off.
var full = flag.Bool("full", false, "run the proofs at full size (make bench)")

// The full size: 100,000 questions and 1,000,000 votes and answers.
const (
	dsQuestions = 100_000
	// Asked today before the clock's 10:00: a busy day, and enough that the
	// rollover spans many of its 500-question batches.
	dsToday     = 5_000
	dsSeedUsers = 1_000 // author the seeded questions, votes and answers
	dsPastDays  = 365   // the other questions spread over the past year
	// Every dsRacerEvery-th question (from index 3) belongs to a racer, so
	// the racers' deletes cascade over seeded rows.
	dsRacerEvery = 100
)

// dsPerQuestion is how many votes, or answers, a question gets: a long tail
// with a mean of exactly 5. Indexed by i·7 (votes) or i·13+5 (answers)
// modulo 20, each of which visits every slot once per 20 questions, so
// 100,000 questions hold exactly 500,000 votes and 500,000 answers.
var dsPerQuestion = [20]int{0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 10, 12, 15, 16}

// dataset is what buildDataset inserted.
type dataset struct {
	ids     []string   // every question, index i at ids[i]; the first dsToday asked today
	owned   [][]string // questions owned by each racer
	votes   int
	answers int
}

func dsQuestionID(i int) string { return fmt.Sprintf("dq%013d", i) }
func dsSeedID(u int) string     { return fmt.Sprintf("seed%011d", u) }

// The rows of question i, written once in Go (for the stored counters) and
// once in SQL (for the rows): the drift check before the storm proves the two
// agree. Authors start past the question's own author (seed i mod U) and stay
// below U, so no one votes on or answers their own question, and each
// (question, author) pair is unique.
func dsVotes(i int) int   { return dsPerQuestion[(i*7)%20] }
func dsAnswers(i int) int { return dsPerQuestion[(i*13+5)%20] }
func dsLike(i, j int) bool {
	return (i+j)%3 != 0
}

// The seed user behind the j-th vote or answer on question i, as SQL
// formats of U−20 and U: offsets up to U−20, plus j ≤ 15, never wrap round
// to the question's own author.
const (
	dsVoteAuthor   = "(i + 1 + (i * 37) %% %[1]d + j) %% %[2]d"
	dsAnswerAuthor = "(i + 1 + (i * 53) %% %[1]d + j) %% %[2]d"
)

// buildDataset inserts the full-size dataset with bulk SQL in one
// transaction, bypassing the hooks, with stored counters, rankings and
// asking days as the hooks would have left them at now in loc. racers own
// a share of the questions.
func buildDataset(app core.App, now time.Time, loc *time.Location, racers []string) (*dataset, error) {
	ds := &dataset{ids: make([]string, dsQuestions), owned: make([][]string, len(racers))}
	dayStart := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	err := app.RunInTransaction(func(tx core.App) error {
		// Seed users share a racer's password hash: they never sign in, and
		// hashing 1,000 passwords would dominate the build.
		var hash string
		if err := tx.DB().NewQuery("SELECT password FROM users WHERE id = {:id}").
			Bind(dbx.Params{"id": racers[0]}).Row(&hash); err != nil {
			return fmt.Errorf("racer's password: %w", err)
		}
		stamp := types.NowDateTime().String()
		if _, err := tx.DB().NewQuery(fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO users (id, email, emailVisibility, verified, password, tokenKey, name, avatar, username, created, updated)
			SELECT printf('seed%%011d', i), printf('seed_%%d@example.com', i), FALSE, TRUE, {:hash},
				printf('seedtoken%%011d', i), '', '', printf('seed_%%d', i), {:stamp}, {:stamp} FROM n`, dsSeedUsers-1)).
			Bind(dbx.Params{"hash": hash, "stamp": stamp}).Execute(); err != nil {
			return fmt.Errorf("seed users: %w", err)
		}

		// Questions from Go: asking days need the zone's calendar.
		insert := tx.DB().NewQuery(`INSERT INTO questions (id, title, description, author, answers, likes, dislikes,
			ranking, today, today_ends, created, updated) VALUES ({:id}, {:title}, '', {:author}, {:answers},
			{:likes}, {:dislikes}, {:ranking}, {:today}, {:today_ends}, {:created}, {:created})`).Prepare()
		defer insert.Close()
		todaySpan := now.Sub(dayStart)
		pastStep := time.Duration(dsPastDays) * 24 * time.Hour / time.Duration(dsQuestions-dsToday)
		for i := range dsQuestions {
			id := dsQuestionID(i)
			ds.ids[i] = id
			var created time.Time
			if i < dsToday {
				created = dayStart.Add(todaySpan * time.Duration(i) / dsToday)
			} else {
				created = dayStart.Add(-pastStep * time.Duration(i-dsToday+1))
			}
			author := dsSeedID(i % dsSeedUsers)
			if i%dsRacerEvery == 3 {
				r := (i / dsRacerEvery) % len(racers)
				author = racers[r]
				ds.owned[r] = append(ds.owned[r], id)
			}
			counts := ranking.Counts{Answers: dsAnswers(i)}
			for j := range dsVotes(i) {
				if dsLike(i, j) {
					counts.Likes++
				} else {
					counts.Dislikes++
				}
			}
			ds.votes += dsVotes(i)
			ds.answers += counts.Answers
			ends := ranking.DayEnd(created, loc)
			today := ranking.BonusApplies(ends, now)
			if _, err := insert.Bind(dbx.Params{
				"id": id, "title": fmt.Sprintf("Dataset question %d", i), "author": author,
				"answers": counts.Answers, "likes": counts.Likes, "dislikes": counts.Dislikes,
				"ranking": ranking.Score(counts, today), "today": today,
				"today_ends": dsTime(ends), "created": dsTime(created),
			}).Execute(); err != nil {
				return fmt.Errorf("question %d: %w", i, err)
			}
		}

		// Votes and answers in SQL, a million rows without a round trip each.
		lut := make([]string, len(dsPerQuestion))
		for k, c := range dsPerQuestion {
			lut[k] = fmt.Sprintf("(%d, %d)", k, c)
		}
		rows := func(table, columns, slot, author, values string) error {
			_, err := tx.DB().NewQuery(fmt.Sprintf(`WITH RECURSIVE
				n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d),
				js(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM js WHERE j < 19),
				lut(k, c) AS (VALUES %s)
				INSERT INTO %s (id, question, author, %s, created, updated)
				SELECT printf('%s%%08d%%05d', i, j), printf('dq%%013d', i), printf('seed%%011d', %s), %s, q.created, q.created
				FROM n JOIN lut ON lut.k = %s JOIN js ON js.j < lut.c JOIN questions q ON q.id = printf('dq%%013d', i)`,
				dsQuestions-1, strings.Join(lut, ", "), table, columns, table[:2], fmt.Sprintf(author, dsSeedUsers-20, dsSeedUsers), values, slot)).Execute()
			if err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
			return nil
		}
		// The counters were stored with the questions: the counter triggers
		// would recount a question per row, so they sit the load out.
		for _, name := range questions.CounterTriggerNames() {
			if _, err := tx.DB().NewQuery("DROP TRIGGER " + name).Execute(); err != nil {
				return err
			}
		}
		if err := rows(questions.Votes, "kind", "(i * 7) % 20", dsVoteAuthor,
			"CASE WHEN (i + j) % 3 = 0 THEN 'dislike' ELSE 'like' END"); err != nil {
			return err
		}
		if err := rows(questions.Answers, "value, comment", "(i * 13 + 5) % 20", dsAnswerAuthor, "1 + (i + j) % 5, ''"); err != nil {
			return err
		}
		for _, q := range questions.CounterTriggers() {
			if _, err := tx.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// dsTime formats t as PocketBase stores dates.
func dsTime(t time.Time) string {
	dt, _ := types.ParseDateTime(t)
	return dt.String()
}
