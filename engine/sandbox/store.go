package sandbox

// The core's internal API, for whoever writes or changes a service file.
//
// # Records
//
// The state is one *state: global services (IAM, S3) at the top, regional
// ones in state.Regions[region]. Each service file declares its own
// xxxState struct of maps (id → *record) and adds it as a field of region (or
// state) below; init() makes every nil map, by reflection, so a new map
// field needs nothing else. Records are plain structs serialised with
// encoding/json: keep fields exported, and avoid interface-typed fields
// (SDK union types such as DynamoDB's AttributeValue need a conversion).
// SDK structs without unions may be stored as they are (clone them in and
// out; see clone).
//
// A record that AWS lets you tag, and that the Tagging API lists, embeds
// Meta (id, ARN, tags, created-at). The Tagging API and TagResources find
// such records by reflection (tagging.go), so embedding Meta with an ARN set
// is all it takes to be listed. Records that aren't taggable on AWS (mount
// targets, aliases, routes) don't embed Meta.
//
// # A call
//
// Every method of every service is
//
//	func (a *ec2API) CreateVpc(ctx context.Context, in *ec2.CreateVpcInput, _ ...func(*ec2.Options)) (*ec2.CreateVpcOutput, error) {
//		return call(ctx, a.s, svcEC2, "CreateVpc", func(t *tx) (*ec2.CreateVpcOutput, error) { … })
//	}
//
// call counts the call, sleeps the configured latency, takes the in-process
// mutex and the flock, reloads the state if another writer changed it, runs
// the clock forward (advance, below), draws the fault decision, then runs
// the function with a *tx:
//
//   - t.r is the region's state, t.st the whole state, t.now the time.
//   - Validate everything first, then mutate; but a mutating call (any op
//     not named Describe/Get/List/Head/Query/Filter/Encrypt/Decrypt/
//     GenerateDataKey, see isRead) that returns an error is rolled back
//     whole anyway, so a half-done mutation never persists.
//   - A mutating call that succeeds is saved before call returns. A read
//     is saved only if advance changed something (or the function called
//     t.touch()).
//   - Return AWS's errors: the service's typed SDK error where the SDK has
//     one (&ecstypes.ClusterNotFoundException{Message: aws.String(…)}),
//     else errf(code, format, …) (a *smithy.GenericAPIError). The HTTP
//     status comes from statusFor[code] (default 400) or withStatus(…).
//     call wraps it as the SDK would (wrapErr).
//   - Outputs must not alias records: build fresh SDK structs; clone
//     stored SDK values (clone) and slices.
//   - Eventual consistency: when reading a record by id or listing it,
//     ask t.hidden(created): true means "act as if it did not exist yet".
//
// # Time
//
// Records store the times that matter (created, the time they become
// ready: readyAt = t.at(paceX), deleted-at …). advance runs every advancer
// (the list below, one per service that has time-driven behaviour) until
// none changes anything; each compares record times with t.now and moves
// states on, launches ASG instances, places ECS tasks and so on. An action's
// own time is the time its cause happened (a replacement instance launches
// when the old one was noticed gone, not when somebody next called), so
// the outcome doesn't depend on the polling rate. Advancers call t.touch()
// when they change anything, and must iterate maps in sorted order
// (sortedKeys) to stay deterministic. Durations come from t.dur(pace…),
// which divides by Speed (0 → instant).
//
// # Cross-service contracts
//
// What one service file reads or calls in another's; keep these names when
// writing or rewriting a service file (the package doesn't compile without
// them):
//
//   - store.go's region names each service's state type: ec2State,
//     asgState, kmsState, ssmState, ecsState, ecrState, elbState,
//     rdsState, efsState, logsState, cloudwatchState, dynamoState (and
//     iamState, s3State on state). The advancers list names
//     advanceRDS, advanceEFS, advanceDynamoDB (each func(*tx)).
//   - sandbox.go's newClients names the API types: rdsAPI, efsAPI,
//     logsAPI, cloudwatchAPI, dynamodbAPI, s3API, stsAPI, ecrAPI,
//     taggingAPI, each a struct{ s *Sandbox }.
//   - logs (ecs_task_lifecycle.go): t.r.Logs.Groups map[string]*logGroup keyed by name;
//     logGroup embeds Meta and has Name string and Streams
//     map[string]*logStream; logStream has Name string, Created time.Time.
//     ECS creates a group for awslogs-create-group and a stream per
//     container when a task starts.
//   - efs (ecs_task_lifecycle.go): t.r.EFS.FileSystems map[string]*fileSystem (by fs id)
//     and t.r.EFS.MountTargets map[string]*mountTarget with FS, AZ string,
//     AvailableAt, DeletedAt time.Time (an EFS volume needs an available
//     mount target in the task's zone).
//   - ecr (ecs_task_lifecycle.go): t.r.ECR.Repos map[string]*… keyed by repository name.
//   - kms (everyone): t.kmsKey(ref) resolves id/ARN/alias, k.usable(),
//     k.ARN, k.seal(plain, ctx).
//   - ec2 (rds, efs, elb): t.newENI(subnet, sgs, desc, public, requester,
//     owner, at) puts a requester-managed ENI in a subnet (this is what
//     makes DeleteSubnet/DeleteSecurityGroup answer DependencyViolation
//     and DetachInternetGateway refuse while public addresses exist);
//     t.releaseENIs(owner, linger) lets go of them (linger: a few seconds
//     later, as RDS's and ELB's do); t.setENIGroups(owner, sgs) follows a
//     security-group change; t.checkGroupsInVPC(sgs, vpc).
//   - ssm (ecs_task_lifecycle.go, ec2): t.r.SSM.Params by name, t.paramName(nameOrARN),
//     t.resolveSSM(name).
//   - iam (ec2, ecs): t.st.IAM.Roles by name (Assume, Attached, Inline),
//     t.profileByRef(arn, name).
//   - Tagging: any record embedding Meta with ARN set, in a map of a
//     region's service state, is listed by GetResources (only if it has
//     at least one tag, as on AWS) and tagged by TagResources.

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"time"

	"github.com/aws/smithy-go"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// Meta is what every taggable record carries.
type Meta struct {
	ID      string            `json:"id"`
	ARN     string            `json:"arn,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Created time.Time         `json:"created"`
}

func (m *Meta) meta() *Meta { return m }

// state is the whole persisted document.
type state struct {
	Version    int       `json:"version"`
	Generation uint64    `json:"generation"`
	Account    string    `json:"account"`
	Created    time.Time `json:"created"`

	IAM     iamState           `json:"iam"`
	S3      s3State            `json:"s3"`
	Route53 route53State       `json:"route53"`
	Regions map[string]*region `json:"regions"`
}

// region holds one region's services.
type region struct {
	Name       string          `json:"name"`
	EC2        ec2State        `json:"ec2"`
	AutoScale  asgState        `json:"autoscaling"`
	KMS        kmsState        `json:"kms"`
	SSM        ssmState        `json:"ssm"`
	ECS        ecsState        `json:"ecs"`
	ECR        ecrState        `json:"ecr"`
	ELB        elbState        `json:"elb"`
	RDS        rdsState        `json:"rds"`
	EFS        efsState        `json:"efs"`
	Logs       logsState       `json:"logs"`
	CloudWatch cloudwatchState `json:"cloudwatch"`
	DynamoDB   dynamoState     `json:"dynamodb"`
	SNS        snsState        `json:"sns"`
	// ElastiCache: new files of an older sandbox read it as empty.
	ElastiCache cacheState `json:"elasticache"`

	ServiceDiscovery sdState `json:"servicediscovery"`
}

func (st *state) init() {
	if st.Regions == nil {
		st.Regions = map[string]*region{}
	}
	initMaps(reflect.ValueOf(st))
}

// region returns (creating) a region's state.
func (st *state) region(name string) *region {
	r := st.Regions[name]
	if r == nil {
		r = &region{Name: name}
		initMaps(reflect.ValueOf(r))
		st.Regions[name] = r
		seedRegion(st, r)
	}
	return r
}

// initMaps makes every nil map reachable through struct fields and map
// values of v.
func initMaps(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			initMaps(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if f.Kind() == reflect.Map && f.IsNil() && f.CanSet() {
				f.Set(reflect.MakeMap(f.Type()))
			}
			if f.Kind() == reflect.Struct || f.Kind() == reflect.Map {
				initMaps(f)
			}
		}
	case reflect.Map:
		if v.Type().Elem().Kind() == reflect.Pointer && v.Type().Elem().Elem().Kind() == reflect.Struct {
			it := v.MapRange()
			for it.Next() {
				initMaps(it.Value())
			}
		}
	}
}

// tx is one call's view of the sandbox.
type tx struct {
	s       *Sandbox
	st      *state
	r       *region
	now     time.Time
	svc     *service
	op      string
	hide    bool // the eventual-consistency fault is armed for this read
	changed bool
	served  int8 // whether a data plane serves: 0 not asked yet, 1 yes, -1 no (see dataPlane)
}

// touch marks the state changed (so a read call saves it).
func (t *tx) touch() { t.changed = true }

// dur scales a pace by the sandbox speed.
func (t *tx) dur(d time.Duration) time.Duration { return scale(d, t.s.speed) }

// at is now plus a scaled pace.
func (t *tx) at(d time.Duration) time.Time { return t.now.Add(t.dur(d)) }

// reached reports whether a time has come (zero times never do).
func (t *tx) reached(at time.Time) bool { return !at.IsZero() && !at.After(t.now) }

// account and region, for ARNs.
func (t *tx) account() string    { return t.st.Account }
func (t *tx) regionName() string { return t.r.Name }

// hidden reports whether a record created at c must look absent to this
// call (eventual-consistency fault).
func (t *tx) hidden(c time.Time) bool {
	return t.hide && !c.IsZero() && t.now.Sub(c) < paceVisible
}

// advancers move time-driven state on, in this order, until none changes
// anything. Each is defined in its service's file.
var advancers = []func(*tx){
	advanceInstances,     // ec2_launch.go: pending → running → (shutting-down → terminated), ENIs
	advanceAutoScaling,   // autoscaling_clock.go: launch/replace/terminate to desired capacity, deletes
	advanceLoadBalancers, // elb.go: provisioning → active, target health, draining
	advanceECS,           // ecs_clock.go: container instances, task placement and lifecycle, deployments
	orphanPrograms,       // programs.go: a task whose program's mvi process is gone stops
	advanceRDS,           // rds.go
	advanceEFS,           // efs.go
	advanceDynamoDB,      // dynamodb.go
	advanceElastiCache,   // elasticache.go
	advanceKMS,           // kms.go: pending deletion → deleted
	// servicediscovery.go: namespaces deleted, names ECS stopped serving
	advanceServiceDiscovery,
}

func (s *Sandbox) advance(t *tx) {
	for i := 0; i < 12; i++ {
		before := t.changed
		t.changed = false
		for _, a := range advancers {
			a(t)
		}
		again := t.changed
		t.changed = t.changed || before
		if !again {
			return
		}
	}
}

// call runs one API operation; see the package comment at the top of this
// file.
func call[O any](ctx context.Context, s *Sandbox, svc *service, op string, fn func(t *tx) (*O, error)) (*O, error) {
	return callIn(ctx, s, "", svc, op, fn)
}

// callIn is call in another region than the sandbox's ("" is its own):
// the clients of us-east-1 an app elsewhere needs (cloud.Clients.East).
func callIn[O any](ctx context.Context, s *Sandbox, region string, svc *service, op string, fn func(t *tx) (*O, error)) (*O, error) {
	if region == "" {
		region = s.region
	}
	s.count(svc, op)
	if err := cloud.CheckReadOnly(ctx, svc.id, op); err != nil {
		return nil, &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: err}
	}
	if d := s.opts.Latency[svc.name]; d > 0 {
		tm := time.NewTimer(d)
		select {
		case <-ctx.Done():
			tm.Stop()
		case <-tm.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: &smithy.CanceledError{Err: err}}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: errClosed}
	}
	if err := s.lock.lock(ctx); err != nil {
		return nil, &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: &smithy.CanceledError{Err: err}}
	}
	defer s.lock.unlock()
	if err := s.load(false); err != nil {
		return nil, &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: err}
	}
	t := &tx{s: s, st: s.st, now: s.clock.Now().UTC(), svc: svc, op: op}
	t.r = s.st.region(region)
	s.advance(t)
	read := isRead(op)
	finish := func() error {
		if !t.changed {
			return nil
		}
		if err := s.save(); err != nil {
			s.restore()
			return &smithy.OperationError{ServiceID: svc.id, OperationName: op, Err: err}
		}
		return nil
	}
	switch k := s.faults.next(); k {
	case faultNone:
	case faultNotFound:
		t.hide = read
	default:
		if err := finish(); err != nil {
			return nil, err
		}
		return nil, wrapErr(svc, op, faultError(svc, k))
	}
	out, err := fn(t)
	if err != nil {
		if read {
			if ferr := finish(); ferr != nil {
				return nil, ferr
			}
		} else {
			s.restore()
		}
		return nil, wrapErr(svc, op, err)
	}
	if !read {
		t.changed = true
	}
	if ferr := finish(); ferr != nil {
		return nil, ferr
	}
	return out, nil
}

// clone deep-copies a JSON-serialisable value (SDK structs without union
// fields, records).
func clone[T any](v T) T {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: clone: " + err.Error())
	}
	if err := json.Unmarshal(b, &out); err != nil {
		panic("sandbox: clone: " + err.Error())
	}
	return out
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// copyMap copies a string map (nil stays nil).
func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// tp returns a pointer to a copy of a time (nil for the zero time).
func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// page slices a sorted list for token-based pagination: the token is the
// index to start at, as a decimal string.
func page[T any](items []T, token *string, max int) ([]T, *string, error) {
	start := 0
	if token != nil && *token != "" {
		n, err := parseToken(*token)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, errf("InvalidNextToken", "The specified token is invalid.")
		}
		start = n
	}
	if max <= 0 || start+max >= len(items) {
		return items[start:], nil, nil
	}
	next := formatToken(start + max)
	return items[start : start+max], &next, nil
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
