package mailsink_test

import (
	"context"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/mailer"

	"github.com/rollcall/rollcall/internal/mailsink"
)

// PocketBase's own SMTP client delivers to the sink, and the message's
// subject and decoded text (quoted-printable, long link intact) come back.
func TestPocketBaseMailerDelivers(t *testing.T) {
	sink, err := mailsink.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()

	link := "http://127.0.0.1:8090/reset/" + strings.Repeat("eyJhbGciOiJIUzI1NiJ9", 8) + ".payload.sig"
	client := &mailer.SMTPClient{Host: sink.Host(), Port: sink.Port()}
	err = client.Send(&mailer.Message{
		From:    mail.Address{Name: "Rollcall", Address: "noreply@example.com"},
		To:      []mail.Address{{Address: "Ann@Example.com"}},
		Subject: "Réinitialiser — reset your password",
		HTML:    `<p>Hello,</p><p><a href="` + link + `">Reset password</a></p>`,
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := sink.Wait(ctx, mailsink.To("ann@example.com"))
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if msg.Subject != "Réinitialiser — reset your password" {
		t.Errorf("subject %q", msg.Subject)
	}
	if !strings.Contains(msg.Body, `href="`+link+`"`) {
		t.Errorf("body lacks the link %s:\n%s", link, msg.Body)
	}
	if msg.From != "noreply@example.com" {
		t.Errorf("from %q", msg.From)
	}
}

// Wait returns a message sent after it began, ignores others, and gives up
// when its context ends.
func TestWaitMatchesAndTimesOut(t *testing.T) {
	sink, err := mailsink.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	addr := sink.Host() + ":" + strconv.Itoa(sink.Port())

	got := make(chan mailsink.Message, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m, err := sink.Wait(ctx, mailsink.To("bob@example.com"))
		if err != nil {
			t.Error(err)
		}
		got <- m
	}()
	send := func(to, body string) {
		t.Helper()
		raw := "Subject: hi\r\nContent-Type: text/plain\r\n\r\n" + body + "\r\n.leading dot\r\n"
		if err := smtp.SendMail(addr, nil, "x@example.com", []string{to}, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	send("carol@example.com", "not for bob")
	send("bob@example.com", "for bob")
	m := <-got
	if !strings.Contains(m.Body, "for bob") || strings.Contains(m.Body, "not for bob") {
		t.Fatalf("wrong message: %q", m.Body)
	}
	if !strings.Contains(m.Body, "\n.leading dot") {
		t.Errorf("dot-stuffing not undone: %q", m.Body)
	}
	if n := len(sink.Messages()); n != 2 {
		t.Errorf("%d messages kept, want 2", n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := sink.Wait(ctx, mailsink.To("nobody@example.com")); err == nil {
		t.Fatal("Wait found a message nobody sent")
	}
}
