package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/manifest"
)

const helloManifest = "../../assets/examples/hello/mvi.toml"

// hello is the book's Hello World, up on a sandbox with a data plane.
type hello struct {
	sb      *Sandbox
	dp      *DataPlane
	cfg     engine.Config
	dns     string
	url     string // http://<dns>/
	cluster string
	service string // ARN
	tg      string // ARN
}

// upHello opens a sandbox at speed, serves it and applies the hello
// example through the engine, as `mvi up` does.
func upHello(t *testing.T, speed float64, so ServeOptions) *hello {
	return upExample(t, helloManifest, speed, so)
}

func upHelloB(b *testing.B) *hello { return upExample(b, helloManifest, 0, ServeOptions{}) }

func upExample(t testing.TB, file string, speed float64, so ServeOptions) *hello {
	t.Helper()
	h, err := upExampleErr(t, file, speed, so)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// upExampleErr is upExample that hands back the apply's error, with the
// sandbox still up to look at.
func upExampleErr(t testing.TB, file string, speed float64, so ServeOptions) (*hello, error) {
	t.Helper()
	ctx := context.Background()
	sb := openSB(t, Options{Speed: speed})
	if so.FlushEvery == 0 {
		so.FlushEvery = 50 * time.Millisecond
	}
	dp, err := Serve(ctx, sb, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dp.Close() })
	m, err := manifest.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.Config{Clients: sb.Clients(), Handlers: engineaws.Handlers(), App: a.App, Region: sb.Region(), Account: sb.Account(),
		Retry: engine.Retry{Base: time.Millisecond, Max: 20 * time.Millisecond, Timeout: time.Minute}, Locker: engine.FileLocker{Dir: t.TempDir()},
		Dir: filepath.Dir(file)}
	p, err := engine.MakePlan(ctx, cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	applyErr := engine.Apply(ctx, cfg, p, nil)
	h := &hello{sb: sb, dp: dp, cfg: cfg}
	c := sb.Clients()
	lbs := must(c.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{}))
	if len(lbs.LoadBalancers) != 1 {
		t.Fatalf("%d load balancers", len(lbs.LoadBalancers))
	}
	h.dns = aws.ToString(lbs.LoadBalancers[0].DNSName)
	h.url = "http://" + h.dns + "/"
	tgs := must(c.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{}))
	h.tg = aws.ToString(tgs.TargetGroups[0].TargetGroupArn)
	cl := must(c.ECS.ListClusters(ctx, &ecs.ListClustersInput{}))
	h.cluster = cl.ClusterArns[0]
	sv := must(c.ECS.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(h.cluster)}))
	for _, a := range sv.ServiceArns {
		if strings.HasSuffix(a, "web") || h.service == "" {
			h.service = a // the web service: the one behind the load balancer
		}
	}
	if applyErr != nil {
		return h, applyErr
	}
	eventually(t, "the load balancer answers", func() bool {
		code, _, _, err := h.get()
		return err == nil && code == 200
	})
	return h, nil
}

// get is one request through the sandbox's Clients.HTTP, as a verify step
// makes it.
func (h *hello) get() (code int, body, task string, err error) {
	req, err := http.NewRequest(http.MethodGet, h.url, nil)
	if err != nil {
		return 0, "", "", err
	}
	resp, err := h.sb.Clients().HTTP.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get(TaskHeader), err
}

// loop calls the load balancer until stop is closed, counting.
type loop struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	tasks      map[string]int
	errs       []string
	done       chan struct{}
	stop       chan struct{}
}

func (h *hello) startLoop() *loop {
	l := &loop{tasks: map[string]int{}, done: make(chan struct{}), stop: make(chan struct{})}
	go func() {
		defer close(l.done)
		for {
			select {
			case <-l.stop:
				return
			default:
			}
			code, _, task, err := h.get()
			l.mu.Lock()
			if err == nil && code == 200 {
				l.ok.Add(1)
				l.tasks[task]++
			} else {
				l.failed.Add(1)
				if len(l.errs) < 10 {
					l.errs = append(l.errs, strings.TrimSpace(http.StatusText(code)+" "+errString(err)))
				}
			}
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *loop) end() {
	close(l.stop)
	<-l.done
}

func (l *loop) total() int64 { return l.ok.Load() + l.failed.Load() }

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (h *hello) targetStates(t *testing.T) map[string]int {
	t.Helper()
	out := must(h.sb.Clients().ELB.DescribeTargetHealth(context.Background(), &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(h.tg)}))
	n := map[string]int{}
	for _, d := range out.TargetHealthDescriptions {
		n[string(d.TargetHealth.State)]++
	}
	return n
}

func TestDataPlaneServesHelloRoundRobin(t *testing.T) {
	h := upHello(t, 0, ServeOptions{})
	seen := map[string]int{}
	for i := 0; i < 20; i++ {
		code, body, task, err := h.get()
		if err != nil || code != 200 {
			t.Fatalf("GET %s: %d %v", h.url, code, err)
		}
		if body != httpdPage {
			t.Fatalf("body %q, want httpd's default page", body)
		}
		seen[task]++
	}
	if len(seen) != 2 || seen[""] != 0 {
		t.Fatalf("answered by %v, want two tasks in turn", seen)
	}
	for task, n := range seen {
		if n != 10 {
			t.Errorf("task %s answered %d of 20: not round robin", task, n)
		}
	}
	if st := h.targetStates(t); st["healthy"] != 2 {
		t.Errorf("target health %v, want 2 healthy", st)
	}
	// The local URL, for people: plain HTTP to 127.0.0.1.
	u, ok := h.sb.LocalURL(h.dns)
	if !ok || !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Fatalf("LocalURL(%s) = %q, %v", h.dns, u, ok)
	}
	resp, err := http.Get(u + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	// A second server of the same directory is refused, clearly.
	if _, err := Serve(context.Background(), h.sb, ServeOptions{}); err == nil || !strings.Contains(err.Error(), "already serves") {
		t.Errorf("second Serve of one Sandbox: %v", err)
	}
	other, err := Open(context.Background(), Options{Dir: h.sb.Dir()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := Serve(context.Background(), other, ServeOptions{}); err == nil || !strings.Contains(err.Error(), "already serves") {
		t.Errorf("second Serve: %v", err)
	}
	// ... but reaches the load balancer through the first.
	req, _ := http.NewRequest(http.MethodGet, h.url, nil)
	resp, err = other.Clients().HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestHTTPWithoutAServerSaysHowToStartOne(t *testing.T) {
	sb := openSB(t, Options{})
	req, _ := http.NewRequest(http.MethodGet, "http://hello-lb-1234567890.us-east-1.elb.amazonaws.com/", nil)
	_, err := sb.Clients().HTTP.Do(req)
	if !errors.Is(err, ErrNotServed) || !strings.Contains(err.Error(), "mvi sandbox serve") {
		t.Fatalf("want ErrNotServed naming `mvi sandbox serve`, got %v", err)
	}
	if _, ok := sb.LocalURL("hello-lb-1234567890.us-east-1.elb.amazonaws.com"); ok {
		t.Error("LocalURL with no server")
	}
}

func (h *hello) targets(t *testing.T) (healthy []string, other map[string]string) {
	t.Helper()
	out := must(h.sb.Clients().ELB.DescribeTargetHealth(context.Background(), &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(h.tg)}))
	other = map[string]string{}
	for _, d := range out.TargetHealthDescriptions {
		id := aws.ToString(d.Target.Id)
		if d.TargetHealth.State == "healthy" {
			healthy = append(healthy, id)
		} else {
			other[id] = string(d.TargetHealth.State) + " " + string(d.TargetHealth.Reason)
		}
	}
	return healthy, other
}

func (h *hello) running(t *testing.T) (running, desired int32, deployments int) {
	t.Helper()
	out := must(h.sb.Clients().ECS.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	s := out.Services[0]
	return s.RunningCount, s.DesiredCount, len(s.Deployments)
}

func TestDataPlaneHealsAfterAVMIsTerminated(t *testing.T) {
	t.Run("EC2 TerminateInstances", func(t *testing.T) {
		testHealing(t, func(h *hello, id string) {
			must(h.sb.Clients().EC2.TerminateInstances(context.Background(), &ec2.TerminateInstancesInput{InstanceIds: []string{id}}))
		})
	})
	t.Run("the group loses an instance", func(t *testing.T) {
		testHealing(t, func(h *hello, id string) {
			must(apiOf(h.sb).AutoScaling.TerminateInstanceInAutoScalingGroup(context.Background(), &autoscaling.TerminateInstanceInAutoScalingGroupInput{
				InstanceId: aws.String(id), ShouldDecrementDesiredCapacity: aws.Bool(false)}))
		})
	})
}

func testHealing(t *testing.T, kill func(h *hello, instance string)) {
	h := upHello(t, 0, ServeOptions{})
	ctx := context.Background()
	healthy, _ := h.targets(t)
	if len(healthy) != 2 {
		t.Fatalf("healthy targets %v", healthy)
	}
	victim := healthy[0]
	l := h.startLoop()
	for l.total() < 50 {
		time.Sleep(time.Millisecond)
	}
	before := l.total()
	kill(h, victim)
	eventually(t, "two healthy targets again, none on the terminated VM", func() bool {
		hs, _ := h.targets(t)
		r, d, _ := h.running(t)
		if len(hs) != 2 || r != d {
			return false
		}
		for _, id := range hs {
			if id == victim {
				return false
			}
		}
		return true
	})
	after := l.total()
	for l.total() < after+50 {
		time.Sleep(time.Millisecond)
	}
	l.end()
	t.Logf("VM %s terminated: %d of %d requests failed (%d made while healing) %v", victim, l.failed.Load(), l.total(), after-before, l.errs)
	// The health-check window: UnhealthyThresholdCount × interval, floored
	// at Speed 0 to 2 × 25 ms; at the loop's rate that is well under this.
	if f := l.failed.Load(); f > 20 {
		t.Errorf("%d failed requests while healing", f)
	}
	snap, err := engine.Status(ctx, h.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var gauges []string
	for _, s := range snap.Services {
		for _, r := range s.Resources {
			switch r.Type {
			case "AWS::AutoScaling::AutoScalingGroup":
				gauges = append(gauges, "vms="+r.Gauges["VMs in service"])
			case "AWS::ECS::Service":
				gauges = append(gauges, "tasks="+r.Gauges["running"])
			}
		}
	}
	if strings.Join(gauges, " ") != "vms=2/2 tasks=2/2" && strings.Join(gauges, " ") != "tasks=2/2 vms=2/2" {
		t.Errorf("status gauges %v", gauges)
	}
	// The replacement VM is a new instance, in service.
	hs, _ := h.targets(t)
	for _, id := range hs {
		if id == victim {
			t.Errorf("terminated %s still a target", victim)
		}
	}
}

// newRevision registers the service's task definition again with one more
// env var: a new release.
func (h *hello) newRevision(t *testing.T, release string) string {
	t.Helper()
	ctx := context.Background()
	c := h.sb.Clients()
	sv := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
	td := must(c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sv.Services[0].TaskDefinition})).TaskDefinition
	conts := td.ContainerDefinitions
	conts[0].Environment = append(conts[0].Environment, ecstypes.KeyValuePair{Name: aws.String("RELEASE"), Value: aws.String(release)})
	out := must(c.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: td.Family, ContainerDefinitions: conts, NetworkMode: td.NetworkMode, ExecutionRoleArn: td.ExecutionRoleArn,
		TaskRoleArn: td.TaskRoleArn, RequiresCompatibilities: td.RequiresCompatibilities, Volumes: td.Volumes,
	}))
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

func (h *hello) taskIDs(t *testing.T) map[string]bool {
	t.Helper()
	ctx := context.Background()
	out := must(h.sb.Clients().ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(h.cluster), DesiredStatus: ecstypes.DesiredStatusRunning}))
	ids := map[string]bool{}
	for _, a := range out.TaskArns {
		ids[a[strings.LastIndex(a, "/")+1:]] = true
	}
	return ids
}

func TestDataPlaneRollingDeployFailsNoRequest(t *testing.T) {
	// Speed 20: health checks every 0.5 s, 1.5 s of draining, so the
	// stages of the rollout are visible to the watcher below.
	h := upHello(t, 20, ServeOptions{})
	ctx := context.Background()
	oldTasks := h.taskIDs(t)
	l := h.startLoop()
	// The watcher: while any target drains, the new ones must already be
	// healthy (minimumHealthyPercent 100: never fewer than 2 healthy).
	var (
		watchMu   sync.Mutex
		drainSeen bool
		tooFew    []string
	)
	stopWatch := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stopWatch:
				return
			default:
			}
			out, err := h.sb.Clients().ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(h.tg)})
			if err != nil {
				continue
			}
			healthy, draining := 0, 0
			for _, d := range out.TargetHealthDescriptions {
				switch d.TargetHealth.State {
				case "healthy":
					healthy++
				case "draining":
					draining++
				}
			}
			watchMu.Lock()
			if draining > 0 {
				drainSeen = true
			}
			if healthy < 2 && len(tooFew) < 5 {
				tooFew = append(tooFew, fmt.Sprintf("%d healthy, %d draining", healthy, draining))
			}
			watchMu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	td := h.newRevision(t, "2")
	must(h.sb.Clients().ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(h.cluster), Service: aws.String(h.service), TaskDefinition: aws.String(td)}))
	eventually2(t, 60*time.Second, "the new release to replace the old", func() bool {
		r, d, deps := h.running(t)
		if deps != 1 || r != d {
			return false
		}
		now := h.taskIDs(t)
		for id := range now {
			if oldTasks[id] {
				return false
			}
		}
		hs, other := h.targets(t)
		return len(hs) == 2 && len(other) == 0
	})
	for l.total() < 200 {
		time.Sleep(time.Millisecond)
	}
	l.end()
	close(stopWatch)
	<-watched
	newTasks := h.taskIDs(t)
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Logf("rolling deploy: %d requests, %d failed, answered by %v", l.total(), l.failed.Load(), l.tasks)
	if f := l.failed.Load(); f != 0 {
		t.Errorf("%d of %d requests failed during the deployment: %v", f, l.total(), l.errs)
	}
	oldN, newN := 0, 0
	for id, n := range l.tasks {
		if oldTasks[id] {
			oldN += n
		}
		if newTasks[id] {
			newN += n
		}
	}
	if oldN == 0 || newN == 0 {
		t.Errorf("old tasks answered %d, new %d: the loop didn't span the rollout", oldN, newN)
	}
	watchMu.Lock()
	defer watchMu.Unlock()
	if len(tooFew) > 0 {
		t.Errorf("fewer than 2 healthy targets during the rollout: %v", tooFew)
	}
	if !drainSeen {
		t.Error("no old target was seen draining")
	}
}

func eventually2(t testing.TB, within time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestDataPlaneLogsMetricsAndAlarms(t *testing.T) {
	h := upHello(t, 0, ServeOptions{FlushEvery: 20 * time.Millisecond})
	ctx := context.Background()
	c := apiOf(h.sb)
	lbs := must(c.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{}))
	dim := lbDim(aws.ToString(lbs.LoadBalancers[0].LoadBalancerArn))
	must(c.CloudWatch.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("hello-busy"), Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCount"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(dim)}},
		Statistic:  cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}))
	start := time.Now().Add(-time.Minute)
	// upHello's own wait made requests; count from the sum it left.
	sum := func() float64 {
		out := must(c.CloudWatch.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(start), EndTime: aws.Time(time.Now().Add(time.Minute)),
			MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("rc"), MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCount"),
					Dimensions: []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(dim)}}},
				Period: aws.Int32(3600), Stat: aws.String("Sum")}}},
		}))
		total := 0.0
		for _, v := range out.MetricDataResults[0].Values {
			total += v
		}
		return total
	}
	// upHello's own wait made requests: let their count land (a few
	// flushes with no change) before counting ours exactly.
	base := sum()
	for i := 0; i < 3; {
		time.Sleep(100 * time.Millisecond)
		if b := sum(); b != base {
			base, i = b, 0
			continue
		}
		i++
	}
	const n = 37
	tasks := map[string]bool{}
	for i := 0; i < n; i++ {
		code, _, task, err := h.get()
		if err != nil || code != 200 {
			t.Fatalf("GET: %d %v", code, err)
		}
		tasks[task] = true
	}
	eventually(t, "RequestCount to count the requests", func() bool { return sum() >= base+n })
	if got := sum(); got != base+n {
		t.Errorf("RequestCount sum %v, want %v", got, base+n)
	}
	eventually(t, "the alarm on RequestCount to go off", func() bool {
		out := must(c.CloudWatch.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"hello-busy"}}))
		return out.MetricAlarms[0].StateValue == cwtypes.StateValueAlarm
	})
	// HealthyHostCount, per target group, says 2.
	hosts := must(c.CloudWatch.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start), EndTime: aws.Time(time.Now().Add(time.Minute)),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("hh"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("HealthyHostCount"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(dim)}, {Name: aws.String("TargetGroup"), Value: aws.String(tgDim(h.tg))}}},
			Period: aws.Int32(3600), Stat: aws.String("Maximum")}}},
	}))
	if v := hosts.MetricDataResults[0].Values; len(v) == 0 || v[0] != 2 {
		t.Errorf("HealthyHostCount %v, want 2", v)
	}
	// The container lines, in the awslogs group and stream.
	groups := must(c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}))
	group := aws.ToString(groups.LogGroups[0].LogGroupName)
	for task := range tasks {
		stream := "web/web/" + task
		eventually(t, "access lines in "+stream, func() bool {
			out, err := c.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
			if err != nil {
				return false
			}
			access, app := 0, 0
			for _, e := range out.Events {
				m := aws.ToString(e.Message)
				if strings.Contains(m, `"GET / HTTP/1.1" 200 45`) {
					access++
				}
				if strings.Contains(m, "AH00489") {
					app++
				}
			}
			return access > 0 && app == 1
		})
	}
	out := must(c.Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`"resuming normal operations"`)}))
	if len(out.Events) != 2 {
		t.Errorf("FilterLogEvents found %d httpd start lines, want 2 (one per task)", len(out.Events))
	}
}

func TestDataPlaneCloseReleasesGoroutinesAndPorts(t *testing.T) {
	before := runtime.NumGoroutine()
	h := upHello(t, 0, ServeOptions{})
	for i := 0; i < 10; i++ {
		if code, _, _, err := h.get(); err != nil || code != 200 {
			t.Fatalf("GET: %d %v", code, err)
		}
	}
	var addrs []string
	for _, e := range h.dp.Endpoints() {
		addrs = append(addrs, e.Local)
	}
	h.dp.mu.Lock()
	for _, c := range h.dp.checks { // one per healthy target: the two tasks' addresses
		addrs = append(addrs, c.addr)
	}
	h.dp.mu.Unlock()
	if len(addrs) != 3 {
		t.Fatalf("addresses %v, want the listener and two tasks", addrs)
	}
	if err := h.dp.Close(); err != nil {
		t.Fatal(err)
	}
	h.sb.Clients().HTTP.(*http.Client).CloseIdleConnections()
	h.sb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Errorf("%s is not on loopback", a)
		}
		if c, err := net.DialTimeout("tcp", a, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Close", a)
		}
	}
	if rec, err := readServeRecord(h.sb.Dir()); err != nil || rec.Stopped.IsZero() {
		t.Errorf("serve.json not marked stopped: %+v %v", rec, err)
	}
}

// BenchmarkProxy measures the loopback load balancer: requests per second
// through Clients.HTTP, the proxy and an httpd task, in parallel.
func BenchmarkProxy(b *testing.B) {
	h := upHelloB(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if code, _, _, err := h.get(); err != nil || code != 200 {
				b.Errorf("GET: %d %v", code, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func TestDataPlaneReplacesTasksThatFailHealthChecks(t *testing.T) {
	// Speed 20: ECS notices an unhealthy target 250 ms after the load
	// balancer does, long enough to read it in DescribeTargetHealth.
	h := upHello(t, 20, ServeOptions{})
	ctx := context.Background()
	c := h.sb.Clients()
	first := h.taskIDs(t)
	// httpd answers 404 off its default page: every check now fails.
	must(c.ELB.ModifyTargetGroup(ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: aws.String(h.tg), HealthCheckPath: aws.String("/healthz")}))
	var reason, desc string
	eventually2(t, 30*time.Second, "a target reported unhealthy with AWS's reason", func() bool {
		out := must(c.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(h.tg)}))
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth.State == "unhealthy" {
				reason, desc = string(d.TargetHealth.Reason), aws.ToString(d.TargetHealth.Description)
				return true
			}
		}
		return false
	})
	if reason != "Target.ResponseCodeMismatch" || desc != "Health checks failed with these codes: [404]" {
		t.Errorf("unhealthy target: %s %q", reason, desc)
	}
	eventually2(t, 30*time.Second, "ECS to replace the failing tasks", func() bool {
		out := must(c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(h.cluster), Services: []string{h.service}}))
		for _, e := range out.Services[0].Events {
			if strings.Contains(aws.ToString(e.Message), "failed ELB health checks") {
				return true
			}
		}
		return false
	})
	if code, _, _, _ := h.get(); code != 503 {
		t.Errorf("with every target unhealthy the load balancer answered %d, want 503", code)
	}
	// Fix the check: the replacements turn healthy and traffic returns.
	must(c.ELB.ModifyTargetGroup(ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: aws.String(h.tg), HealthCheckPath: aws.String("/")}))
	eventually2(t, 30*time.Second, "traffic to return", func() bool {
		code, _, _, err := h.get()
		hs, _ := h.targets(t)
		return err == nil && code == 200 && len(hs) == 2
	})
	for id := range h.taskIDs(t) {
		if first[id] {
			t.Errorf("task %s survived failing its health checks", id)
		}
	}
}

func TestDataPlaneRunsTheFullExample(t *testing.T) {
	h := upExample(t, "../../assets/examples/full/mvi.toml", 0, ServeOptions{FlushEvery: 20 * time.Millisecond})
	ctx := context.Background()
	code, body, task, err := h.get()
	if err != nil || code != 200 {
		t.Fatalf("GET: %d %v", code, err)
	}
	for _, want := range []string{"<li>process: web</li>", "<li>task: " + task + "</li>", "<li>release: ", "LOG_LEVEL=info", "WEB_CONCURRENCY=2", "DATABASE_PASSWORD=(secret, not shown)"} {
		if !strings.Contains(body, want) {
			t.Errorf("app page lacks %q:\n%s", want, body)
		}
	}
	c := h.sb.Clients()
	groups := must(c.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{}))
	group := aws.ToString(groups.LogGroups[0].LogGroupName)
	// The worker's program can't run here: it says so once, and makes up
	// nothing after (it used to log "job N done" lines no program wrote).
	var lines []string
	eventually(t, "the worker to say it stands in", func() bool {
		out, err := c.Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), LogStreamNamePrefix: aws.String("worker/worker/")})
		if err != nil {
			return false
		}
		lines = lines[:0]
		for _, e := range out.Events {
			lines = append(lines, aws.ToString(e.Message))
		}
		return len(lines) > 0
	})
	time.Sleep(100 * time.Millisecond) // a few of the old beat intervals at this speed
	out := must(c.Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), LogStreamNamePrefix: aws.String("worker/worker/")}))
	streams := map[string]bool{}
	honest := true
	for _, e := range out.Events {
		streams[aws.ToString(e.LogStreamName)] = true
		honest = honest && strings.Contains(aws.ToString(e.Message), "can't run here")
	}
	if len(out.Events) != len(streams) || !honest {
		var got []string
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
		t.Errorf("the worker's log (one line per container, none made up): %q", got)
	}
}

func TestDataPlaneWithHealthChecksOffSendsToEveryTarget(t *testing.T) {
	h := upHello(t, 0, ServeOptions{})
	ctx := context.Background()
	must(h.sb.Clients().ELB.ModifyTargetGroup(ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: aws.String(h.tg), HealthCheckEnabled: aws.Bool(false)}))
	eventually(t, "targets reported unavailable", func() bool { return h.targetStates(t)["unavailable"] == 2 })
	seen := map[string]bool{}
	eventually(t, "both tasks to answer", func() bool {
		code, _, task, err := h.get()
		if err != nil || code != 200 {
			t.Fatalf("GET with health checks off: %d %v", code, err)
		}
		seen[task] = true
		return len(seen) == 2
	})
}
