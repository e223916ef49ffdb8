package sandbox

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// CloudWatch Logs Live Tail: a session streams the events ingested after
// it started, matching its filter, as AWS does: a sessionStart first, then
// a sessionUpdate each second of the sandbox's clock that has any (at most
// liveTailPerUpdate of them; more in one second are sampled, and the
// update says so), until the session ends after three hours with a
// SessionTimeoutException or its reader closes it.

const (
	liveTailMaxGroups   = 10
	liveTailMaxStreams  = 100
	liveTailMaxPattern  = 1024
	liveTailPerUpdate   = 500
	liveTailSessions    = 15 // concurrent sessions an account may hold
	liveTailMaxDuration = 3 * time.Hour
	liveTailUpdate      = time.Second
)

type liveTailAPI struct{ s *Sandbox }

var _ cloud.LiveTail = (*liveTailAPI)(nil)

// liveTailCount holds the sessions this sandbox process has open (an
// account-wide count across processes would need the state file to know
// when a reader in another process went away).
type liveTailCount struct {
	mu sync.Mutex
	n  int
}

func (a *liveTailAPI) StartLiveTail(ctx context.Context, in *cloudwatchlogs.StartLiveTailInput) (cloudwatchlogs.StartLiveTailResponseStreamReader, error) {
	s := a.s
	groups := map[string]string{} // identifier → group name
	cursor := map[string]map[string]int64{}
	var started time.Time
	var match func(string) bool
	_, err := call(ctx, s, svcLogs, "StartLiveTail", func(t *tx) (*struct{}, error) {
		var err error
		if match, err = validLiveTail(in); err != nil {
			return nil, err
		}
		for _, id := range in.LogGroupIdentifiers {
			if _, ok := parseARN(id); !ok || strings.HasSuffix(id, "*") {
				return nil, logsInvalid("Invalid log group identifier %s: specify each log group by its ARN, without a trailing *.", id)
			}
			g, err := t.logGroupRef(nil, aws.String(id))
			if err != nil {
				return nil, err
			}
			groups[id] = g.Name
			cursor[id] = map[string]int64{}
			for n, st := range g.Streams {
				cursor[id][n] = st.Seq // what is there already is not tailed
			}
		}
		started = t.now
		return &struct{}{}, nil
	})
	if err != nil {
		return nil, err
	}
	s.liveTails.mu.Lock()
	if s.liveTails.n >= liveTailSessions {
		s.liveTails.mu.Unlock()
		return nil, wrapErr(svcLogs, "StartLiveTail", &cwltypes.LimitExceededException{
			Message: aws.String("Account has reached the maximum number of concurrent Live Tail sessions: 15.")})
	}
	s.liveTails.n++
	s.liveTails.mu.Unlock()
	r := &liveTailReader{s: s, in: in, groups: groups, cursor: cursor, match: match, started: started, next: started.Add(liveTailUpdate),
		ch: make(chan cwltypes.StartLiveTailResponseStream), done: make(chan struct{})}
	go r.run(uuid())
	return r, nil
}

// validLiveTail refuses what AWS refuses, and is the session's filter.
func validLiveTail(in *cloudwatchlogs.StartLiveTailInput) (func(string) bool, error) {
	switch n := len(in.LogGroupIdentifiers); {
	case n == 0:
		return nil, logsInvalid("1 validation error detected: Value null at 'logGroupIdentifiers' failed to satisfy constraint: Member must not be null")
	case n > liveTailMaxGroups:
		return nil, logsInvalid("1 validation error detected: Value at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length less than or equal to %d", liveTailMaxGroups)
	}
	if len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0 {
		return nil, logsInvalid("logStreamNames and logStreamNamePrefixes are mutually exclusive.")
	}
	if (len(in.LogStreamNames) > 0 || len(in.LogStreamNamePrefixes) > 0) && len(in.LogGroupIdentifiers) != 1 {
		return nil, logsInvalid("logStreamNames and logStreamNamePrefixes can be specified only with exactly one log group in logGroupIdentifiers.")
	}
	if len(in.LogStreamNames) > liveTailMaxStreams || len(in.LogStreamNamePrefixes) > liveTailMaxStreams {
		return nil, logsInvalid("1 validation error detected: Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to %d", liveTailMaxStreams)
	}
	if p := aws.ToString(in.LogEventFilterPattern); len(p) > liveTailMaxPattern {
		return nil, logsInvalid("1 validation error detected: Value at 'logEventFilterPattern' failed to satisfy constraint: Member must have length less than or equal to %d", liveTailMaxPattern)
	}
	return compileFilterPattern(aws.ToString(in.LogEventFilterPattern))
}

// liveTailReader is one session's stream, the SDK's reader interface.
type liveTailReader struct {
	s       *Sandbox
	in      *cloudwatchlogs.StartLiveTailInput
	groups  map[string]string
	cursor  map[string]map[string]int64 // identifier → stream → last seq sent
	match   func(string) bool
	started time.Time
	next    time.Time

	ch        chan cwltypes.StartLiveTailResponseStream
	done      chan struct{}
	closeOnce sync.Once
	errMu     sync.Mutex
	err       error
}

func (r *liveTailReader) Events() <-chan cwltypes.StartLiveTailResponseStream { return r.ch }

func (r *liveTailReader) Close() error {
	r.closeOnce.Do(func() { close(r.done) })
	return nil
}

func (r *liveTailReader) Err() error {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	return r.err
}

func (r *liveTailReader) fail(err error) {
	r.errMu.Lock()
	r.err = err
	r.errMu.Unlock()
}

func (r *liveTailReader) send(ev cwltypes.StartLiveTailResponseStream) bool {
	select {
	case r.ch <- ev:
		return true
	case <-r.done:
		return false
	}
}

func (r *liveTailReader) run(session string) {
	defer func() {
		r.s.liveTails.mu.Lock()
		r.s.liveTails.n--
		r.s.liveTails.mu.Unlock()
		close(r.ch)
	}()
	ids := append([]string(nil), r.in.LogGroupIdentifiers...)
	if !r.send(&cwltypes.StartLiveTailResponseStreamMemberSessionStart{Value: cwltypes.LiveTailSessionStart{
		RequestId: aws.String(uuid()), SessionId: aws.String(session), LogGroupIdentifiers: ids,
		LogStreamNamePrefixes: r.in.LogStreamNamePrefixes, LogStreamNames: r.in.LogStreamNames,
		LogEventFilterPattern: r.in.LogEventFilterPattern}}) {
		return
	}
	// A session moves with the sandbox's clock (a test's manual clock, or
	// the 60× clock of a tutorial), never with the wall's.
	tick := time.NewTicker(clockTick)
	defer tick.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-tick.C:
		}
		now := r.s.clock.Now()
		if now.Before(r.next) {
			continue
		}
		r.next = now.Add(liveTailUpdate)
		events, sampled, err := r.collect()
		if err != nil {
			r.fail(&cwltypes.SessionStreamingException{Message: aws.String("The session ended: " + err.Error())})
			return
		}
		if len(events) > 0 {
			up := cwltypes.LiveTailSessionUpdate{SessionResults: events, SessionMetadata: &cwltypes.LiveTailSessionMetadata{Sampled: sampled}}
			if !r.send(&cwltypes.StartLiveTailResponseStreamMemberSessionUpdate{Value: up}) {
				return
			}
		}
		if now.Sub(r.started) >= liveTailMaxDuration {
			r.fail(&cwltypes.SessionTimeoutException{Message: aws.String("Session timed out: a Live Tail session lasts at most 3 hours.")})
			return
		}
	}
}

// collect takes what was ingested since the last update, oldest first.
func (r *liveTailReader) collect() ([]cwltypes.LiveTailSessionLogEvent, bool, error) {
	var out []cwltypes.LiveTailSessionLogEvent
	err := r.s.internal(context.Background(), func(t *tx) error {
		for _, id := range r.in.LogGroupIdentifiers {
			g := t.r.Logs.Groups[r.groups[id]]
			if g == nil {
				continue // deleted while tailed: nothing more comes from it
			}
			cut := t.logCutoff(g)
			for _, n := range sortedKeys(g.Streams) {
				if !r.tails(n) {
					continue
				}
				st, last := g.Streams[n], r.cursor[id][n]
				for _, e := range st.Events {
					if e.Seq <= last || e.TS < cut || !r.match(e.Msg) {
						continue
					}
					out = append(out, cwltypes.LiveTailSessionLogEvent{LogGroupIdentifier: aws.String(id), LogStreamName: aws.String(n),
						Timestamp: aws.Int64(e.TS), IngestionTime: aws.Int64(e.Ingest), Message: aws.String(e.Msg)})
				}
				r.cursor[id][n] = st.Seq
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return aws.ToInt64(out[i].IngestionTime) < aws.ToInt64(out[j].IngestionTime) })
	sampled := len(out) > liveTailPerUpdate
	if sampled {
		// Spread over the second, as a sample is, rather than its first 500.
		kept := make([]cwltypes.LiveTailSessionLogEvent, 0, liveTailPerUpdate)
		for i := 0; i < liveTailPerUpdate; i++ {
			kept = append(kept, out[i*len(out)/liveTailPerUpdate])
		}
		out = kept
	}
	return out, sampled, err
}

// tails reports whether the session's stream filter keeps stream n.
func (r *liveTailReader) tails(n string) bool {
	if len(r.in.LogStreamNames) > 0 {
		for _, s := range r.in.LogStreamNames {
			if s == n {
				return true
			}
		}
		return false
	}
	if len(r.in.LogStreamNamePrefixes) == 0 {
		return true
	}
	for _, p := range r.in.LogStreamNamePrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}
