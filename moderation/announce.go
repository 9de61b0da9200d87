package moderation

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rollcall/rollcall/questions"
)

// TopicQuestionsChanged is a realtime topic of Rollcall's own: pages that
// show lists of questions subscribe to it. PocketBase sends a record's
// change only to those who may view the record afterwards, so a question
// just hidden would linger on everyone else's open page.
const TopicQuestionsChanged = questions.TopicChanged

// Announce tells every subscriber of TopicQuestionsChanged that a question
// was hidden or restored, once the action has committed. Only the id goes
// out: it is already on their page.
func (h *Hooks) Announce(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	question := e.Record.GetString(FieldQuestion)
	action := e.Record.GetString(FieldAction)
	if question == "" || e.Record.GetString(FieldAnswer) != "" || (action != ActionHide && action != ActionRestore) {
		return nil // an answer's question is saved too, and that event reaches everyone
	}
	data, err := json.Marshal(map[string]string{"question": question, "action": action})
	if err != nil {
		return err
	}
	msg := subscriptions.Message{Name: TopicQuestionsChanged, Data: data}
	for _, client := range e.App.SubscriptionsBroker().Clients() {
		if client.HasSubscription(TopicQuestionsChanged) {
			// A client's channel is unbuffered: a slow reader must not hold
			// the request (PocketBase sends its own events the same way).
			routine.FireAndForget(func() { client.Send(msg) })
		}
	}
	return nil
}
