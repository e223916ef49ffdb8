package sandbox

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The reconcile loop. Control-plane transitions are lazy (evaluated at the
// start of each call), so the data plane calls in on every tick: one
// internal transaction writes what the health checks saw, flushes logs and
// metrics when due, and takes a snapshot (a view) of the records it serves;
// then, outside the lock, the loop starts and stops listeners, task servers
// and health checks to match the view.

// internal runs fn as one call of the data plane itself: same lock, load,
// advance and save as an API call, but not counted, not delayed and never
// failed by fault injection (the data plane is not a client).
func (s *Sandbox) internal(ctx context.Context, fn func(t *tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	if err := s.lock.lock(ctx); err != nil {
		return err
	}
	defer s.lock.unlock()
	if err := s.load(false); err != nil {
		return err
	}
	t := &tx{s: s, st: s.st, now: s.clock.Now().UTC(), svc: svcELB, op: "DataPlane"}
	t.r = s.st.region(s.region)
	s.advance(t)
	if err := fn(t); err != nil {
		s.restore()
		return err
	}
	if !t.changed {
		return nil
	}
	if err := s.save(); err != nil {
		s.restore()
		return err
	}
	return nil
}

// dataPlane reports (once per call) whether a data plane serves this
// sandbox: then target health is what its health checks saw, not the clock.
func (t *tx) dataPlane() bool {
	if t.served == 0 {
		t.served = -1
		if t.s.servedNow() {
			t.served = 1
		}
	}
	return t.served == 1
}

// targetObs is what the data plane's health checks saw of one target.
type targetObs struct {
	State  string    `json:"state"` // initial, healthy, unhealthy
	Reason string    `json:"reason,omitempty"`
	Desc   string    `json:"description,omitempty"`
	At     time.Time `json:"at"`
	// Task is the task whose server the checks probed. A host port is
	// reused by a later task on the same VM, and what was seen of the old
	// one says nothing of the new: ECS must not count a new task healthy
	// (or stop it as unhealthy) on its predecessor's record.
	Task string `json:"task,omitempty"`
}

// minServedDrain is the shortest drain while a data plane serves. The
// data plane learns of a deregistration at its next reconcile (a Tick,
// 50 ms by default); a drain scaled below that (Speed 0) would let ECS
// call the old task stopped, and a deployment complete, while the load
// balancer still sent it new requests, which no ALB does.
const minServedDrain = 200 * time.Millisecond

// of reports whether the observation is of task (an old record without a
// task counts for any).
func (o targetObs) of(task string) bool { return o.Task == "" || o.Task == task }

func targetKey(id string, port int32) string { return id + ":" + strconv.Itoa(int(port)) }

func (t *tx) clearObservations() {
	for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
		if tg := t.r.ELB.TargetGroups[k]; tg.Observed != nil {
			tg.Observed = nil
			t.touch()
		}
	}
}

// --- the view ---

type view struct {
	listeners []listenerView
	tgs       map[string]*tgView
	tasks     map[string]*taskView // by ARN
}

type listenerView struct {
	ARN, LB, LBName, DNS, LBDim string
	Port                        int32
	TG                          string
	Rules                       []ruleView // lbroutes.go
}

type tgView struct {
	ARN, Name, Dim     string
	LBDims             []string
	HCEnabled          bool
	HCPath, HCPort     string
	Matcher            string
	Interval, Timeout  time.Duration
	Healthy, Unhealthy int
	Targets            []targetView
}

type targetView struct {
	Key      string
	ID       string
	Port     int32
	Draining bool
	Task     string // task ARN serving it, "" when none
	// Blocked says why the load balancer can't reach it (a security
	// group drops the packets), "" when it can.
	Blocked string
}

type taskView struct {
	ARN, ID, Cluster, Service, Family string
	Revision                          int32
	Instance                          string
	InstanceUp                        bool
	Status                            string // LastStatus
	CPU                               int
	Containers                        []containerView
}

type containerView struct {
	Name, Image         string
	Command             []string
	Ports               []taskPort
	Env                 [][2]string
	Secrets             []string
	LogGroup, LogStream string
	// NoServer are lines saying which of its settings name a server the
	// sandbox doesn't run (a Redis).
	NoServer []string
	Health   string // the container health check's command, "" without one
}

// floor is a scaled period, never below the data plane's minimum.
func (dp *DataPlane) floor(t *tx, d time.Duration) time.Duration {
	if d = t.dur(d); d < dp.opts.MinInterval {
		return dp.opts.MinInterval
	}
	return d
}

// lbDim is the LoadBalancer dimension of CloudWatch: app/name/id.
func lbDim(arn string) string { return lbPath(arn) }

// tgDim is the TargetGroup dimension: targetgroup/name/id.
func tgDim(arn string) string {
	if i := strings.LastIndex(arn, ":"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func (dp *DataPlane) snapshot(t *tx) *view {
	v := &view{tgs: map[string]*tgView{}, tasks: map[string]*taskView{}}
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		// STOPPED tasks stay in the view (until purged) so a server whose
		// task stopped is told apart from one whose record vanished.
		if tk.LastStatus == "PROVISIONING" || tk.LastStatus == "PENDING" || tk.Program != "" {
			continue // a program runs on its own (programs.go), it serves nothing
		}
		inst := t.r.EC2.Instances[tk.Instance]
		tv := &taskView{ARN: tk.ARN, ID: tk.ID, Cluster: tk.Cluster, Service: tk.Service, Instance: tk.Instance,
			InstanceUp: inst != nil && inst.State == "running", Status: tk.LastStatus, CPU: tk.CPU}
		td := t.taskDefByKey(tk.TaskDef)
		if td == nil {
			continue
		}
		if _, cmd := t.oneOffCommand(tk, td); cmd != nil {
			continue // a one-off command stands in with no server (ecs_run_standin.go)
		}
		tv.Family, tv.Revision = td.Family, td.Revision
		for _, c := range td.Containers {
			cv := containerView{Name: aws.ToString(c.Name), Image: aws.ToString(c.Image), Command: append([]string(nil), c.Command...)}
			for _, p := range tk.Ports {
				if p.Container == cv.Name {
					cv.Ports = append(cv.Ports, p)
				}
			}
			for _, e := range c.Environment {
				cv.Env = append(cv.Env, [2]string{aws.ToString(e.Name), aws.ToString(e.Value)})
			}
			for _, s := range c.Secrets {
				cv.Secrets = append(cv.Secrets, aws.ToString(s.Name))
			}
			cv.NoServer = t.cacheSettings(c)
			if h := c.HealthCheck; h != nil && len(h.Command) > 1 {
				cv.Health = strings.Join(h.Command[1:], " ")
			}
			cv.LogGroup, cv.LogStream = awslogsStream(c.LogConfiguration, cv.Name, tk.ID)
			tv.Containers = append(tv.Containers, cv)
		}
		v.tasks[tk.ARN] = tv
	}
	// Which task serves a target: instance id + host port, as ECS
	// registered it.
	byHost := map[string]string{}
	for _, tv := range v.tasks {
		if tv.Status == "STOPPED" {
			continue
		}
		for _, c := range tv.Containers {
			for _, p := range c.Ports {
				byHost[targetKey(tv.Instance, p.HostPort)] = tv.ARN
			}
		}
	}
	for _, k := range sortedKeys(t.r.ELB.Listeners) {
		l := t.r.ELB.Listeners[k]
		lb := t.r.ELB.LoadBalancers[l.LB]
		if lb == nil || !t.reached(lb.ActiveAt) || l.Protocol != "HTTP" {
			continue
		}
		tgs := actionTGs(l.Actions)
		if len(tgs) == 0 || t.r.ELB.TargetGroups[tgs[0]] == nil {
			continue
		}
		v.listeners = append(v.listeners, listenerView{ARN: l.ARN, LB: lb.ARN, LBName: lb.Name, DNS: lb.DNSName, LBDim: lbDim(lb.ARN), Port: l.Port, TG: tgs[0],
			Rules: t.ruleViews(l.ARN)})
	}
	for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
		tg := t.r.ELB.TargetGroups[k]
		gv := &tgView{ARN: tg.ARN, Name: tg.Name, Dim: tgDim(tg.ARN), HCEnabled: tg.HCEnabled, HCPath: tg.HCPath, HCPort: tg.HCPort,
			Matcher: tg.Matcher, Interval: dp.floor(t, time.Duration(tg.HCInterval)*time.Second),
			Timeout: dp.floor(t, time.Duration(tg.HCTimeout)*time.Second), Healthy: int(tg.Healthy), Unhealthy: int(tg.Unhealthy)}
		for _, a := range t.tgLBs(tg) {
			gv.LBDims = append(gv.LBDims, lbDim(a))
		}
		for _, x := range tg.Targets {
			tv := targetView{Key: targetKey(x.ID, x.Port), ID: x.ID, Port: x.Port, Draining: !x.DrainUntil.IsZero()}
			tv.Task = byHost[tv.Key]
			if lbs := t.tgLBs(tg); len(lbs) > 0 {
				tv.Blocked = t.lbBlocked(lbs[0], x.ID, x.Port)
			}
			gv.Targets = append(gv.Targets, tv)
		}
		v.tgs[tg.ARN] = gv
	}
	return v
}

// writeObservations copies the health checks' states into the target
// groups' records (only when one changed).
func (dp *DataPlane) writeObservations(t *tx) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if !dp.obsDirty {
		return
	}
	dp.obsDirty = false
	byTG := map[string]map[string]targetObs{}
	for _, c := range dp.checks {
		m := byTG[c.tg]
		if m == nil {
			m = map[string]targetObs{}
			byTG[c.tg] = m
		}
		m[c.key] = c.obs
	}
	for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
		tg := t.r.ELB.TargetGroups[k]
		obs := byTG[k]
		if len(obs) == 0 && tg.Observed == nil {
			continue
		}
		tg.Observed = obs
		t.touch()
	}
}

// --- the loop ---

func (dp *DataPlane) run() {
	defer dp.wg.Done()
	tick := time.NewTicker(dp.opts.Tick)
	defer tick.Stop()
	lastFlush := dp.now()
	for {
		now := dp.now()
		due := now.Sub(lastFlush) >= dp.opts.FlushEvery
		if due {
			lastFlush = now
		}
		dp.reconcile(due)
		select {
		case <-dp.ctx.Done():
			dp.stopAll()
			return
		case <-tick.C:
		}
	}
}

func (dp *DataPlane) reconcile(flushDue bool) {
	var v *view
	var grace time.Duration
	var probes []r53Probe
	err := dp.s.internal(dp.ctx, func(t *tx) error {
		dp.writeObservations(t)
		if flushDue {
			dp.flush(t, false)
		}
		probes = dp.smokeDue(t)
		v = dp.snapshot(t)
		grace = dp.floor(t, time.Second) * 2
		return nil
	})
	if err != nil {
		// Cancelled (the loop ends at its next select), the Sandbox
		// closed, or the state unreadable: keep what runs, try next tick.
		return
	}
	dp.applyTasks(v, grace)
	dp.applyListeners(v)
	dp.applyChecks(v)
	dp.smoke(probes)
}
