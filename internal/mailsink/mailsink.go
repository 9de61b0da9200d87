// Package mailsink is a small SMTP server on loopback that keeps every
// message it is given, for tests that follow the links a server mails. It
// speaks just enough SMTP for Go's net/smtp client (PocketBase's mailer):
// no TLS, no authentication, nothing relayed.
//
// Example:
//
//	sink, err := mailsink.Start()
//	…configure the server under test with sink.Host() and sink.Port()…
//	msg, err := sink.Wait(ctx, mailsink.To("ann@example.com"))
package mailsink

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
)

// maxMessage bounds one message's size; a test's mails are a few KB.
const maxMessage = 10 << 20

// Message is one mail as received.
type Message struct {
	From    string   // the envelope sender
	To      []string // the envelope recipients
	Subject string   // decoded
	Body    string   // every text part, decoded, one after another
	Raw     []byte   // as sent
}

// Sink is a running SMTP server and the messages it has received.
type Sink struct {
	ln      net.Listener
	mu      sync.Mutex
	msgs    []Message
	changed chan struct{} // closed and replaced on every new message
	wg      sync.WaitGroup
}

// Start listens on a free loopback port.
func Start() (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mailsink: listen: %w", err)
	}
	s := &Sink{ln: ln, changed: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Host is the address the sink listens on, without the port.
func (s *Sink) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port is the port the sink listens on.
func (s *Sink) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Close stops listening and waits for open sessions to end.
func (s *Sink) Close() error {
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

// Messages returns what has been received so far, oldest first.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// To matches a message with rcpt among its envelope recipients.
func To(rcpt string) func(Message) bool {
	return func(m Message) bool {
		for _, to := range m.To {
			if strings.EqualFold(to, rcpt) {
				return true
			}
		}
		return false
	}
}

// Wait returns the first message, received before or after the call, that
// match accepts, or ctx's error once it is done.
func (s *Sink) Wait(ctx context.Context, match func(Message) bool) (Message, error) {
	for {
		s.mu.Lock()
		for _, m := range s.msgs {
			if match(m) {
				s.mu.Unlock()
				return m, nil
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return Message{}, ctx.Err()
		}
	}
}

func (s *Sink) add(m Message) {
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Sink) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			s.session(conn)
		}()
	}
}

// session holds one SMTP conversation.
func (s *Sink) session(conn net.Conn) {
	r := bufio.NewReader(conn)
	w := bufio.NewWriter(conn)
	reply := func(lines ...string) bool {
		for _, l := range lines {
			w.WriteString(l + "\r\n")
		}
		return w.Flush() == nil
	}
	if !reply("220 mailsink ESMTP ready") {
		return
	}
	var from string
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			reply("250-mailsink", "250-8BITMIME", "250 SIZE "+strconv.Itoa(maxMessage))
		case "HELO":
			reply("250 mailsink")
		case "MAIL":
			from, to = address(arg), nil
			reply("250 OK")
		case "RCPT":
			to = append(to, address(arg))
			reply("250 OK")
		case "DATA":
			if from == "" || len(to) == 0 {
				reply("503 MAIL and RCPT first")
				continue
			}
			reply("354 End data with <CR><LF>.<CR><LF>")
			raw, err := readData(r)
			if err != nil {
				reply("552 " + err.Error())
				return
			}
			s.add(parse(from, to, raw))
			from, to = "", nil
			reply("250 OK: queued")
		case "RSET":
			from, to = "", nil
			reply("250 OK")
		case "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 Bye")
			return
		default:
			reply("502 Command not implemented")
		}
	}
}

// address takes the mailbox out of "FROM:<a@b> BODY=8BITMIME".
func address(arg string) string {
	_, rest, _ := strings.Cut(arg, ":")
	rest = strings.TrimSpace(rest)
	if i := strings.Index(rest, ">"); strings.HasPrefix(rest, "<") && i > 0 {
		return rest[1:i]
	}
	addr, _, _ := strings.Cut(rest, " ")
	return addr
}

// readData reads up to the lone "." line, undoing dot-stuffing.
func readData(r *bufio.Reader) ([]byte, error) {
	var buf bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == ".\r\n" || line == ".\n" {
			return buf.Bytes(), nil
		}
		line = strings.TrimPrefix(line, ".")
		if buf.Len()+len(line) > maxMessage {
			return nil, errors.New("message too large")
		}
		buf.WriteString(line)
	}
}

func parse(from string, to []string, raw []byte) Message {
	m := Message{From: from, To: to, Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.Body = string(raw)
		return m
	}
	dec := new(mime.WordDecoder)
	if subject, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = subject
	}
	var body strings.Builder
	texts(&body, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	m.Body = body.String()
	return m
}

// texts appends the decoded text parts of a (possibly multipart) body.
func texts(out *strings.Builder, contentType, encoding string, body io.Reader) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				return
			}
			texts(out, part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
		}
	}
	if !strings.HasPrefix(mediaType, "text/") {
		return
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &lineJoiner{r: body})
	}
	data, _ := io.ReadAll(body)
	out.Write(data)
	out.WriteString("\n")
}

// lineJoiner drops the line breaks of a base64 body.
type lineJoiner struct{ r io.Reader }

func (l *lineJoiner) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	k := 0
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' {
			p[k] = b
			k++
		}
	}
	return k, err
}
