package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Traffic is what a watcher saw of the app's page while a step ran (an
// apply with Watch, a bad release): every request it made through the load
// balancer and how each answered. A release is only "without downtime" if
// nobody asking for the page during it was turned away, and only a client
// calling throughout can say so.
type Traffic struct {
	URL      string
	Requests int
	// Failed counts requests that got no 200: another status, a refused
	// connection, a timeout.
	Failed int
	// FirstFailure says what went wrong first, "" when nothing did.
	FirstFailure string
	// Pages are the distinct pages served (by their heading), in the order
	// they first appeared, with how many requests each answered.
	Pages []PageCount
}

// PageCount is one distinct page a watcher was served.
type PageCount struct {
	Title string
	Count int
	// Sample is the first body served with this title.
	Sample string
}

// Summary is the traffic in one line.
func (t Traffic) Summary() string {
	pages := make([]string, len(t.Pages))
	for i, p := range t.Pages {
		pages[i] = fmt.Sprintf("%q ×%d", p.Title, p.Count)
	}
	s := fmt.Sprintf("%d requests to %s, %d failed", t.Requests, t.URL, t.Failed)
	if len(pages) > 0 {
		s += "; pages served: " + strings.Join(pages, ", ")
	}
	if t.FirstFailure != "" {
		s += "; first failure: " + t.FirstFailure
	}
	return s
}

// watchEvery bounds the pause between a watcher's requests: about ten a
// second is enough to catch a gap of a health-check interval, and light
// enough for a real load balancer. A session whose retries are faster (an
// instant sandbox) watches as fast as it retries, or a rollout there would
// finish between two requests.
const watchEvery = 100 * time.Millisecond

// watcher calls one URL over and over until stopped.
type watcher struct {
	mu     sync.Mutex
	t      Traffic
	cancel context.CancelFunc
	finish chan struct{} // closed by stop: make one last request, then end
	done   chan struct{}
}

// watch starts calling path of process through the load balancer, one
// request at a time, until the returned stop is called; stop makes one
// last request, so the tally ends with what the finished step serves, and
// returns what was seen. It fails at once when there is nothing to call
// yet.
func watch(ctx context.Context, s *Session, process, path string) (stop func() Traffic, err error) {
	if s.Engine.Clients.HTTP == nil {
		return nil, errors.New("watch: this cloud gives mvi no way to reach the app's endpoints (Clients.HTTP is nil)")
	}
	url, err := Check{Kind: CheckHTTP, Process: process, Path: path}.URL(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", path, err)
	}
	// The watcher outlives no step: it ends with ctx or with stop.
	wctx, cancel := context.WithCancel(ctx)
	w := &watcher{t: Traffic{URL: url}, cancel: cancel, finish: make(chan struct{}), done: make(chan struct{})}
	every := watchEvery
	if b := s.Engine.Retry.Base; b > 0 && b < every {
		every = b
	}
	go w.run(wctx, s.Engine.Clients.HTTP, url, every)
	return func() Traffic {
		close(w.finish)
		<-w.done
		w.cancel()
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.t
	}, nil
}

func (w *watcher) run(ctx context.Context, c cloud.HTTP, url string, every time.Duration) {
	defer close(w.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		last := false
		select {
		case <-w.finish:
			last = true
		default:
		}
		body, why := get(ctx, c, url)
		if ctx.Err() != nil {
			return // cancelled mid-request: that says nothing about the app
		}
		w.record(body, why)
		if last {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-w.finish:
		case <-t.C:
		}
	}
}

// get makes one request and says why it failed, "" when it answered 200.
func get(ctx context.Context, c cloud.HTTP, url string) (string, string) {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err.Error()
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", "reading the body: " + err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		return "", resp.Status
	}
	return string(b), ""
}

func (w *watcher) record(body, why string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Requests++
	if why != "" {
		w.t.Failed++
		if w.t.FirstFailure == "" {
			w.t.FirstFailure = why
		}
		return
	}
	title := PageTitle(body)
	for i := range w.t.Pages {
		if w.t.Pages[i].Title == title {
			w.t.Pages[i].Count++
			return
		}
	}
	w.t.Pages = append(w.t.Pages, PageCount{Title: title, Count: 1, Sample: body})
}

var (
	h1Re    = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	titleRe = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
)

// PageTitle names a page by its first heading (else its title, else its
// first words): what a person would call it.
func PageTitle(body string) string {
	for _, re := range []*regexp.Regexp{h1Re, titleRe} {
		if m := re.FindStringSubmatch(body); m != nil {
			if t := strings.TrimSpace(m[1]); t != "" {
				return t
			}
		}
	}
	t := strings.Join(strings.Fields(body), " ")
	if len(t) > 40 {
		t = t[:40] + "…"
	}
	return t
}
