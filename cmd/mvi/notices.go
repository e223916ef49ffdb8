package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

// What the alarms of an app told its topic. On AWS the mail arrives; the
// sandbox sends none and keeps each message instead (Sandbox.Notifications),
// so status and inspect show them, each with what became of it for every
// address.

// maxNotices is how many of the latest a screen shows.
const maxNotices = 5

// noticeCache keeps the wizard's frames from reading the sandbox's state
// on every redraw.
type noticeCache struct {
	mu    sync.Mutex
	at    time.Time
	lines map[string][]string
}

var notices noticeCache

// notices are the app's latest notifications as lines, newest last
// (none on AWS).
func (s *session) notices(app string) []string {
	if s.sb == nil {
		return nil
	}
	notices.mu.Lock()
	defer notices.mu.Unlock()
	if time.Since(notices.at) < 2*time.Second && notices.lines != nil {
		return notices.lines[app]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	all, err := s.sb.Notifications(ctx)
	if err != nil {
		return nil
	}
	notices.at, notices.lines = time.Now(), map[string][]string{}
	for _, n := range all {
		for _, a := range appsOf(n.Topic) {
			notices.lines[a] = append(notices.lines[a], noticeLine(n))
		}
	}
	for a, ls := range notices.lines {
		if len(ls) > maxNotices {
			notices.lines[a] = ls[len(ls)-maxNotices:]
		}
	}
	return notices.lines[app]
}

// appsOf reads the app from a topic's ARN: mvi names it mvi-<app>-topic
// (or mvi-<app>-topic-<region>).
func appsOf(topicARN string) []string {
	name := topicARN[strings.LastIndex(topicARN, ":")+1:]
	rest, ok := strings.CutPrefix(name, "mvi-")
	if !ok {
		return nil
	}
	i := strings.LastIndex(rest, "-"+arch.IDTopic)
	if i <= 0 {
		return nil
	}
	return []string{rest[:i]}
}

func noticeLine(n sandbox.Notification) string {
	var to []string
	for _, d := range n.To {
		switch d.Status {
		case "pending confirmation":
			to = append(to, d.Endpoint+" (not delivered: pending confirmation)")
		default:
			to = append(to, d.Endpoint)
		}
	}
	if len(to) == 0 {
		to = []string{"nobody subscribed"}
	}
	return fmt.Sprintf("%s %s → %s", n.At.Local().Format("15:04:05"), n.Subject, strings.Join(to, ", "))
}

// writeNotices prints the app's latest notifications, on the sandbox.
func (s *session) writeNotices(w io.Writer, app string) {
	ls := s.notices(app)
	if len(ls) == 0 {
		return
	}
	fmt.Fprintf(w, "\nAlarm mail the sandbox kept (it sends none; on AWS each address gets it):\n")
	for _, l := range ls {
		fmt.Fprintf(w, "  %s\n", l)
	}
}
