package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// CheckKind names a verify probe.
type CheckKind string

// The probes.
const (
	// CheckHTTP requests a path through the load balancer's public name and
	// expects a status (200) and, optionally, text in the body.
	CheckHTTP CheckKind = "http"
	// CheckHealthy expects Count healthy targets behind the process's target
	// group (default: the process's designed count).
	CheckHealthy CheckKind = "healthy"
	// CheckVMs expects the VM group to have as many VMs in service as it
	// wants (at least Count, default the designed count): after a VM is
	// terminated, this is what "healed" means.
	CheckVMs CheckKind = "vms"
	// CheckLog expects a line containing Contains in the process's log
	// streams.
	CheckLog CheckKind = "log"
	// CheckUptime expects every request the last watched step made (an
	// apply with Watch, a bad release) to have answered 200 and, with
	// Body, the last page to contain it: the release went out, or failed,
	// without anyone being turned away.
	CheckUptime CheckKind = "uptime"
	// CheckRelease expects the process's service settled on one finished
	// deployment, running the newest revision of its task definition
	// (Revision "latest", the default) or, after a bad release, the
	// revision that ran before it (Revision "previous": rolled back).
	CheckRelease CheckKind = "release"
	// CheckEnv expects each of Names in the process's containers: plain
	// environment with a value, or a secret delivered from SSM.
	CheckEnv CheckKind = "env"
	// CheckSealed expects no value of the app's SecureStrings (secrets,
	// the database's password and URL) in its status, plan, task
	// definitions or logs.
	CheckSealed CheckKind = "sealed"
	// CheckPrivate expects the database closed: its security groups admit
	// only groups, and a connection from outside the VPC gets nowhere.
	CheckPrivate CheckKind = "private"
	// CheckAlarm expects an alarm (the smoke check's unless Alarm names
	// another) in State: OK, or ALARM.
	CheckAlarm CheckKind = "alarm"
)

// CheckKinds lists the probes.
func CheckKinds() []CheckKind {
	return []CheckKind{CheckHTTP, CheckHealthy, CheckVMs, CheckLog, CheckUptime, CheckRelease, CheckEnv, CheckSealed, CheckPrivate, CheckAlarm}
}

// The revisions a release check can expect.
const (
	RevisionLatest   = "latest"
	RevisionPrevious = "previous"
)

// Check is one probe of a verify step.
type Check struct {
	Kind     CheckKind
	Name     string // shown; a default is made from the rest
	Process  string // default DefaultProcess
	Path     string // http: default "/"
	Status   int    // http: default 200
	Body     string // http: text the body must contain
	Count    int    // healthy, vms: how many (default: as designed)
	Contains string // log: text a line must contain
	Revision string // release: "latest" (default) or "previous"
	// Names are the environment variables an env check expects.
	Names []string
	// Alarm and State: an alarm check expects the alarm (default the
	// smoke check's) in State, OK or ALARM.
	Alarm, State string
}

// Verify runs real checks against the running app, each retried until it
// passes or the step's deadline passes: right after an apply (or a break)
// the cloud is still settling, and waiting for it is the lesson.
type Verify struct {
	Base
	Checks []Check
	// Timeout bounds the whole step (default 5 minutes).
	Timeout time.Duration
}

// Kind is KindVerify.
func (Verify) Kind() Kind { return KindVerify }

// DefaultVerifyTimeout is how long a verify waits when its Timeout is 0.
const DefaultVerifyTimeout = 5 * time.Minute

// Run probes each check in turn until it passes; every attempt is reported
// to out.Check.
func (v Verify) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	timeout := v.Timeout
	if timeout <= 0 {
		timeout = DefaultVerifyTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, c := range v.Checks {
		if err := c.Satisfiable(s.Arch); err != nil {
			return fmt.Errorf("verify %s: %w", c.Title(), err)
		}
		if err := c.wait(ctx, s, out); err != nil {
			return err
		}
	}
	return nil
}

// DefaultProcess is the process a check (or an apply's Watch) means when
// it names none: the one the load balancer fronts.
const DefaultProcess = "web"

func (c Check) process() string {
	if c.Process == "" {
		return DefaultProcess
	}
	return c.Process
}

// Title names the check for people.
func (c Check) Title() string {
	if c.Name != "" {
		return c.Name
	}
	switch c.Kind {
	case CheckHTTP:
		return fmt.Sprintf("GET %s through the load balancer answers %d", c.path(), c.status())
	case CheckHealthy:
		return "the load balancer sees healthy " + c.process() + " containers"
	case CheckVMs:
		return "every VM the group wants is in service"
	case CheckLog:
		return fmt.Sprintf("%s's log has a line with %q", c.process(), c.Contains)
	case CheckUptime:
		return "every request while it rolled out answered 200"
	case CheckRelease:
		if c.Revision == RevisionPrevious {
			return c.process() + " is back on the release before the bad one"
		}
		return c.process() + " runs the newest release"
	case CheckEnv:
		return c.process() + "'s containers get " + strings.Join(c.Names, ", ")
	case CheckSealed:
		return "no secret value shows anywhere"
	case CheckPrivate:
		return "the database is closed to everything but the app"
	case CheckAlarm:
		return c.alarmTitle()
	}
	return string(c.Kind)
}

func joinKinds() string {
	ks := CheckKinds()
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func (c Check) path() string {
	if c.Path == "" {
		return "/"
	}
	return c.Path
}

func (c Check) status() int {
	if c.Status == 0 {
		return http.StatusOK
	}
	return c.Status
}

// Satisfiable says whether the check could ever pass against an app built
// from a: an HTTP check needs the process to have a port, and so on.
// Tutorials are validated with it.
func (c Check) Satisfiable(a arch.Architecture) error {
	p := c.process()
	if _, ok := a.Get(arch.ServiceID(p)); !ok {
		return fmt.Errorf("the design has no %s process", p)
	}
	switch c.Kind {
	case CheckHTTP, CheckHealthy, CheckUptime:
		_, listener := a.Get(arch.ListenerID(p))
		_, rule := a.Get(arch.ListenerRuleID(p)) // a routed process: the check's path must match its route
		if !listener && !rule {
			return fmt.Errorf("%s has no port at this point, so no load balancer reaches it", p)
		}
	case CheckVMs:
		if _, ok := a.Get(arch.IDAutoScalingGroup); !ok {
			return errors.New("the design has no VM group")
		}
	case CheckLog:
		if c.Contains == "" {
			return errors.New("a log check needs the text to look for (contains)")
		}
	case CheckRelease:
		if c.Revision != "" && c.Revision != RevisionLatest && c.Revision != RevisionPrevious {
			return fmt.Errorf("revision %q: use %q or %q", c.Revision, RevisionLatest, RevisionPrevious)
		}
	case CheckEnv:
		if len(c.Names) == 0 {
			return errors.New("an env check needs the variables to look for (names)")
		}
		if err := envArrives(a, p, c.Names); err != nil {
			return err
		}
	case CheckSealed:
	case CheckPrivate:
		if _, ok := a.Get(arch.IDDatabase); !ok {
			return errors.New("the design has no database to be private")
		}
	case CheckAlarm:
		if err := c.alarmSatisfiable(a); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown check %q (known: %s)", c.Kind, joinKinds())
	}
	if len(c.Names) > 0 && c.Kind != CheckEnv {
		return fmt.Errorf("only an env check has names")
	}
	if (c.State != "" || c.Alarm != "") && c.Kind != CheckAlarm {
		return fmt.Errorf("only an alarm check has a state and an alarm")
	}
	if c.Revision != "" && c.Kind != CheckRelease {
		return fmt.Errorf("only a release check has a revision")
	}
	if c.Count < 0 {
		return fmt.Errorf("count %d: use 0 (as designed) or more", c.Count)
	}
	return nil
}

// wait retries one check with a growing pause until it passes or ctx ends.
func (c Check) wait(ctx context.Context, s *Session, out Output) error {
	start := time.Now()
	pause := s.Engine.Retry.Base
	if pause <= 0 {
		pause = 250 * time.Millisecond
	}
	maxPause := s.Engine.Retry.Max
	if maxPause <= 0 || maxPause > 2*time.Second {
		maxPause = 2 * time.Second // a check is watched: keep it lively
	}
	var last error // the last failure seen before the deadline
	for attempt := 1; ; attempt++ {
		detail, err := c.probe(ctx, s)
		if err != nil && ctx.Err() != nil {
			// The deadline cut this probe short: what it says is about the
			// deadline, not the app.
			return c.gaveUp(ctx, attempt-1, start, last)
		}
		res := CheckResult{Name: c.Title(), OK: err == nil, Detail: detail, Attempt: attempt, Elapsed: time.Since(start)}
		if err != nil {
			res.Detail = err.Error()
		}
		if out != nil {
			out.Check(res)
		}
		if err == nil {
			return nil
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return fmt.Errorf("verify %s: %w", c.Title(), err)
		}
		last = err
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return c.gaveUp(ctx, attempt, start, last)
		case <-t.C:
		}
		pause = min(pause*2, maxPause)
	}
}

func (c Check) gaveUp(ctx context.Context, attempts int, start time.Time, last error) error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err()
	}
	if last == nil {
		last = ctx.Err()
	}
	return fmt.Errorf("verify %s: still failing after %d attempt(s) in %s: %w", c.Title(), attempts, time.Since(start).Round(100*time.Millisecond), last)
}

// fatalError is a failure waiting can't fix.
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

func (c Check) probe(ctx context.Context, s *Session) (string, error) {
	switch c.Kind {
	case CheckHTTP:
		return c.probeHTTP(ctx, s)
	case CheckHealthy:
		return c.probeHealthy(ctx, s)
	case CheckVMs:
		return c.probeVMs(ctx, s)
	case CheckLog:
		return c.probeLog(ctx, s)
	case CheckUptime:
		return c.probeUptime(ctx, s)
	case CheckRelease:
		return c.probeRelease(ctx, s)
	case CheckEnv:
		return c.probeEnv(ctx, s)
	case CheckSealed:
		return c.probeSealed(ctx, s)
	case CheckPrivate:
		return c.probePrivate(ctx, s)
	case CheckAlarm:
		return c.probeAlarm(ctx, s)
	}
	return "", &fatalError{fmt.Sprintf("unknown check %q", c.Kind)}
}

// URL is where the check's request goes: the load balancer's DNS name, on
// the listener's port.
func (c Check) URL(ctx context.Context, s *Session) (string, error) {
	lb, err := s.live(ctx, arch.TypeLoadBalancer, arch.IDLoadBalancer)
	if err != nil {
		return "", err
	}
	host := lb.Attrs["dns_name"]
	if host == "" {
		return "", errors.New("the load balancer has no DNS name yet")
	}
	if r, ok := s.Arch.Get(arch.ListenerID(c.process())); ok {
		if lp, ok := r.Props.(arch.ListenerProps); ok && lp.Port != 80 && lp.Port != 0 {
			host = fmt.Sprintf("%s:%d", host, lp.Port)
		}
	}
	return "http://" + host + c.path(), nil
}

func (c Check) probeHTTP(ctx context.Context, s *Session) (string, error) {
	if s.Engine.Clients.HTTP == nil {
		return "", &fatalError{"this cloud gives mvi no way to reach the app's endpoints (Clients.HTTP is nil)"}
	}
	url, err := c.URL(ctx, s)
	if err != nil {
		return "", err
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, url, nil)
	if err != nil {
		return "", &fatalError{fmt.Sprintf("request %s: %v", url, err)}
	}
	resp, err := s.Engine.Clients.HTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return "", fmt.Errorf("GET %s: reading the body: %w", url, err)
	}
	got := fmt.Sprintf("GET %s: %s, %d bytes", url, resp.Status, len(body))
	if resp.StatusCode != c.status() {
		return "", fmt.Errorf("%s; want %d", got, c.status())
	}
	want, err := c.WantBody(s)
	if err != nil {
		return "", &fatalError{err.Error()}
	}
	if want != "" && !strings.Contains(string(body), want) {
		return "", fmt.Errorf("%s; the body lacks %q", got, want)
	}
	return got, nil
}

// WantBody is the text the page must hold: Body, with the learner's
// answers filled in where it names them ({{html .text}}), so a check can
// look for the words a learner typed into their own page.
func (c Check) WantBody(s *Session) (string, error) {
	if !strings.Contains(c.Body, "{{") {
		return c.Body, nil
	}
	b, err := Ask{Change: c.Body}.Fragment(s.Answers)
	if err != nil {
		return "", fmt.Errorf("the check's body: %w", err)
	}
	return b, nil
}

// designedCount is the process's designed container count.
func (c Check) designedCount(a arch.Architecture) int {
	if r, ok := a.Get(arch.ServiceID(c.process())); ok {
		if p, ok := r.Props.(arch.ServiceProps); ok {
			return p.Count
		}
	}
	return 1
}

func (c Check) probeHealthy(ctx context.Context, s *Session) (string, error) {
	tg, err := s.live(ctx, arch.TypeTargetGroup, arch.TargetGroupID(c.process()))
	if err != nil {
		return "", err
	}
	arn := tg.ARN
	if arn == "" {
		arn = tg.Attrs["arn"]
	}
	th, err := s.Engine.Clients.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: sdkaws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("describe target health: %w", err)
	}
	want := c.Count
	if want == 0 {
		want = c.designedCount(s.Arch)
	}
	states := map[string]int{}
	healthy := 0
	for _, d := range th.TargetHealthDescriptions {
		st := "unknown"
		if d.TargetHealth != nil {
			st = string(d.TargetHealth.State)
		}
		if d.Target != nil && slices.Contains(s.Terminated, sdkaws.ToString(d.Target.Id)) {
			st = "on a terminated VM"
		}
		states[st]++
		if st == string(elbtypes.TargetHealthStateEnumHealthy) {
			healthy++
		}
	}
	got := fmt.Sprintf("%d of %d targets healthy%s", healthy, len(th.TargetHealthDescriptions), others(states, "healthy"))
	if healthy < want {
		return "", fmt.Errorf("%s; want %d", got, want)
	}
	return got, nil
}

func (c Check) probeVMs(ctx context.Context, s *Session) (string, error) {
	g, err := asg(ctx, s)
	if err != nil {
		return "", err
	}
	desired := int(sdkaws.ToInt32(g.DesiredCapacity))
	want := max(c.Count, desired)
	if c.Count == 0 {
		if r, ok := s.Arch.Get(arch.IDAutoScalingGroup); ok {
			if p, ok := r.Props.(arch.AutoScalingGroupProps); ok {
				want = max(p.Desired, desired)
			}
		}
	}
	states := map[string]int{}
	in := 0
	for _, i := range g.Instances {
		st := string(i.LifecycleState)
		if slices.Contains(s.Terminated, sdkaws.ToString(i.InstanceId)) {
			st = "terminated by the break"
		}
		states[st]++
		if st == string(astypes.LifecycleStateInService) {
			in++
		}
	}
	got := fmt.Sprintf("%d VM(s) in service, the group wants %d%s", in, desired, others(states, string(astypes.LifecycleStateInService)))
	if in < want {
		return "", fmt.Errorf("%s; want %d", got, want)
	}
	return got, nil
}

func asg(ctx context.Context, s *Session) (astypes.AutoScalingGroup, error) {
	l, err := s.live(ctx, arch.TypeAutoScalingGroup, arch.IDAutoScalingGroup)
	if err != nil {
		return astypes.AutoScalingGroup{}, err
	}
	out, err := s.Engine.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{
		AutoScalingGroupNames: []string{l.PhysicalID},
	})
	if err != nil {
		return astypes.AutoScalingGroup{}, fmt.Errorf("describe the VM group: %w", err)
	}
	if len(out.AutoScalingGroups) == 0 {
		return astypes.AutoScalingGroup{}, fmt.Errorf("the VM group %s is gone", l.PhysicalID)
	}
	return out.AutoScalingGroups[0], nil
}

func (c Check) probeLog(ctx context.Context, s *Session) (string, error) {
	lg, err := s.live(ctx, arch.TypeLogGroup, arch.IDLogGroup)
	if err != nil {
		return "", err
	}
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:        sdkaws.String(lg.PhysicalID),
		LogStreamNamePrefix: sdkaws.String(c.process() + "/"),
	}
	lines := 0
	for page := 0; page < 20; page++ {
		out, err := s.Engine.Clients.Logs.FilterLogEvents(ctx, in)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", lg.PhysicalID, err)
		}
		for _, e := range out.Events {
			lines++
			if m := sdkaws.ToString(e.Message); strings.Contains(m, c.Contains) {
				return fmt.Sprintf("%s: %s", sdkaws.ToString(e.LogStreamName), strings.TrimSpace(m)), nil
			}
		}
		if out.NextToken == nil || sdkaws.ToString(out.NextToken) == sdkaws.ToString(in.NextToken) {
			break
		}
		in.NextToken = out.NextToken
	}
	return "", fmt.Errorf("no line with %q among %d in %s", c.Contains, lines, lg.PhysicalID)
}

// others lists the counts of states other than skip: " (1 draining)".
func others(states map[string]int, skip string) string {
	var parts []string
	for _, st := range sortedStates(states) {
		if st != skip {
			parts = append(parts, fmt.Sprintf("%d %s", states[st], engine.StateWord(st)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func sortedStates(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }
