package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
)

// The config checks: what a process's containers are given (env), that
// no secret value shows anywhere mvi or the cloud shows things (sealed),
// and that the database is closed to everything but the app (private).

// probeEnv reads the task definition the process's service runs and
// finds each of Names in it: a plain value in its environment, a secret
// only as a reference to its SSM parameter.
func (c Check) probeEnv(ctx context.Context, s *Session) (string, error) {
	p := c.process()
	svc, err := service(ctx, s, p)
	if err != nil {
		return "", err
	}
	out, err := s.Engine.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})
	if err != nil {
		return "", fmt.Errorf("describe %s's task definition: %w", p, err)
	}
	if out.TaskDefinition == nil || len(out.TaskDefinition.ContainerDefinitions) == 0 {
		return "", fmt.Errorf("%s's task definition has no container", p)
	}
	cd := out.TaskDefinition.ContainerDefinitions[0]
	var said []string
	for _, n := range c.Names {
		v, plain := envValue(cd.Environment, n)
		ref, secret := secretRef(cd.Secrets, n)
		switch {
		case plain && secret:
			return "", &fatalError{fmt.Sprintf("%s is both plain environment and a secret in %s", n, Revision(sdkaws.ToString(svc.TaskDefinition)))}
		case secret:
			said = append(said, fmt.Sprintf("%s from the SecureString %s", n, ref))
		case plain && v == "":
			return "", fmt.Errorf("%s is set but empty in %s (the resource it names may not be ready yet)", n, Revision(sdkaws.ToString(svc.TaskDefinition)))
		case plain:
			said = append(said, fmt.Sprintf("%s=%s", n, v))
		default:
			return "", fmt.Errorf("%s's containers (%s) are not given %s", p, Revision(sdkaws.ToString(svc.TaskDefinition)), n)
		}
	}
	return fmt.Sprintf("%s (%s) gets %s", p, Revision(sdkaws.ToString(svc.TaskDefinition)), strings.Join(said, "; ")), nil
}

func envValue(env []ecstypes.KeyValuePair, name string) (string, bool) {
	for _, kv := range env {
		if sdkaws.ToString(kv.Name) == name {
			return sdkaws.ToString(kv.Value), true
		}
	}
	return "", false
}

func secretRef(secrets []ecstypes.Secret, name string) (string, bool) {
	for _, x := range secrets {
		if sdkaws.ToString(x.Name) == name {
			ref := sdkaws.ToString(x.ValueFrom)
			if i := strings.Index(ref, ":parameter"); i >= 0 {
				ref = ref[i+len(":parameter"):] // the path reads better than the ARN
			}
			return ref, true
		}
	}
	return "", false
}

// probePrivate shows the database closed: its security groups admit only
// other groups (the app's containers), never an address range, and a
// connection from here, outside the VPC, doesn't get in.
func (c Check) probePrivate(ctx context.Context, s *Session) (string, error) {
	db, err := s.live(ctx, arch.TypeDBInstance, arch.IDDatabase)
	if err != nil {
		return "", err
	}
	host, port := db.Attrs["endpoint"], db.Attrs["port"]
	if host == "" || port == "" {
		return "", fmt.Errorf("%s has no endpoint yet (%s)", db.PhysicalID, db.State)
	}
	var from []string
	groups := strings.Split(db.Attrs["security_groups"], ",")
	sgs, err := s.Engine.Clients.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: groups})
	if err != nil {
		return "", fmt.Errorf("describe %s's security groups: %w", db.PhysicalID, err)
	}
	for _, g := range sgs.SecurityGroups {
		for _, r := range g.IpPermissions {
			for _, ip := range r.IpRanges {
				return "", &fatalError{fmt.Sprintf("%s lets %s in (rule of %s): the database is open to addresses, not only to the app", db.PhysicalID, sdkaws.ToString(ip.CidrIp), sdkaws.ToString(g.GroupId))}
			}
			for _, ip := range r.Ipv6Ranges {
				return "", &fatalError{fmt.Sprintf("%s lets %s in (rule of %s)", db.PhysicalID, sdkaws.ToString(ip.CidrIpv6), sdkaws.ToString(g.GroupId))}
			}
			for _, pair := range r.UserIdGroupPairs {
				from = append(from, fmt.Sprintf("%s on %d", sdkaws.ToString(pair.GroupId), sdkaws.ToInt32(r.FromPort)))
			}
		}
	}
	if s.Engine.Clients.Dial == nil {
		return "", &fatalError{"this cloud has no way to open a connection from here"}
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, derr := s.Engine.Clients.Dial.DialContext(dctx, "tcp", net.JoinHostPort(host, port))
	if derr == nil {
		conn.Close()
		return "", &fatalError{fmt.Sprintf("a connection from here, outside the VPC, reached %s:%s: the database is open to the internet", host, port)}
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	admits := "nothing"
	if len(from) > 0 {
		admits = strings.Join(from, ", ") + " (the app's containers)"
	}
	return fmt.Sprintf("%s admits only %s; from here: %s", db.PhysicalID, admits, dialWords(derr)), nil
}

// dialWords says how a connection failed, short.
func dialWords(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer (timed out): the endpoint is an address inside the VPC"
	}
	return err.Error()
}

// probeSealed reads the value of every SecureString the app has (its
// secrets, the database's password and URL) and looks for each in what
// mvi and the cloud show: the status, a plan, the task definitions and
// the logs. The values stay in this function; only where one was found
// is ever said.
func (c Check) probeSealed(ctx context.Context, s *Session) (string, error) {
	vals, err := secureValues(ctx, s)
	if err != nil {
		return "", err
	}
	if len(vals) == 0 {
		return "", fmt.Errorf("the app has no secret values yet to look for")
	}
	places, err := shownPlaces(ctx, s)
	if err != nil {
		return "", err
	}
	var where []string
	for _, pl := range places {
		for name, v := range vals {
			if strings.Contains(pl.text, v) {
				where = append(where, fmt.Sprintf("%s's value is in %s", name, pl.name))
			}
		}
	}
	if len(where) > 0 {
		slices.Sort(where)
		return "", &fatalError{strings.Join(where, "; ")}
	}
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	slices.Sort(names)
	searched := make([]string, len(places))
	for i, pl := range places {
		searched[i] = pl.name
	}
	return fmt.Sprintf("the values of %s appear in none of: %s", strings.Join(names, ", "), strings.Join(searched, ", ")), nil
}

type place struct{ name, text string }

// shownPlaces is everything a person could read about the app.
func shownPlaces(ctx context.Context, s *Session) ([]place, error) {
	cfg := s.Engine
	var out []place
	add := func(name string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		out = append(out, place{name, string(b)})
		return nil
	}
	snap, err := engineStatus(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := add("mvi status", snap); err != nil {
		return nil, err
	}
	plan, err := enginePlan(ctx, cfg, s.Arch)
	if err != nil {
		return nil, err
	}
	if err := add("mvi plan", plan); err != nil {
		return nil, err
	}
	for _, r := range s.Arch.Resources {
		p, ok := arch.ProcessOfTaskDefinition(r.ID)
		if !ok {
			continue
		}
		td, err := latestRevision(ctx, s, p)
		if err != nil {
			continue // a worker without a release yet has nothing to show
		}
		d, err := cfg.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(td)})
		if err != nil {
			return nil, fmt.Errorf("describe %s: %w", td, err)
		}
		if err := add("the task definition "+Revision(td), d.TaskDefinition); err != nil {
			return nil, err
		}
	}
	lines, err := engineLogs(ctx, cfg, time.Hour)
	if err != nil {
		return nil, err
	}
	out = append(out, place{fmt.Sprintf("the logs (%d lines)", len(lines)), strings.Join(lines, "\n")})
	return out, nil
}

// secureValues are the app's SecureString values by parameter name.
func secureValues(ctx context.Context, s *Session) (map[string]string, error) {
	cfg := s.Engine
	p := ssm.NewDescribeParametersPaginator(cfg.Clients.SSM, &ssm.DescribeParametersInput{
		MaxResults:       sdkaws.Int32(50),
		ParameterFilters: []ssmtypes.ParameterStringFilter{{Key: sdkaws.String("Name"), Option: sdkaws.String("BeginsWith"), Values: []string{"/mvi/" + cfg.App + "/"}}},
	})
	vals := map[string]string{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s's parameters: %w", cfg.App, err)
		}
		for _, m := range page.Parameters {
			if m.Type != ssmtypes.ParameterTypeSecureString {
				continue
			}
			got, err := cfg.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: m.Name, WithDecryption: sdkaws.Bool(true)})
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", sdkaws.ToString(m.Name), err)
			}
			if v := sdkaws.ToString(got.Parameter.Value); len(v) >= MinSecretLen {
				vals[sdkaws.ToString(m.Name)] = v
			}
		}
	}
	return vals, nil
}

func engineStatus(ctx context.Context, cfg engine.Config) (engine.Snapshot, error) {
	return engine.Status(ctx, cfg)
}

func enginePlan(ctx context.Context, cfg engine.Config, a arch.Architecture) (engine.Plan, error) {
	return engine.MakePlan(ctx, cfg, a)
}

// engineLogs are the messages of the app's last window of logs.
func engineLogs(ctx context.Context, cfg engine.Config, window time.Duration) ([]string, error) {
	lines, err := engine.Logs(ctx, cfg, engine.LogQuery{Since: cfg.Clock().Add(-window)})
	var none *engine.NoLogsError
	if errors.As(err, &none) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Message
	}
	return out, nil
}

// envArrives says whether the design gives the process each name, so a
// tutorial can't wait for a variable its manifest never sets.
func envArrives(a arch.Architecture, process string, names []string) error {
	r, ok := a.Get(arch.TaskDefinitionID(process))
	if !ok {
		return fmt.Errorf("the design has no release of %s", process)
	}
	td, ok := r.Props.(arch.TaskDefinitionProps)
	if !ok {
		return fmt.Errorf("%s's task definition has no properties", process)
	}
	for _, n := range names {
		_, env := td.Env[n]
		_, filled := td.Filled[n]
		_, sv := td.SecretVars[n]
		_, param := td.Params[n]
		_, db := arch.DatabaseVars()[n]
		db = td.Database != "" && (db || n == "DATABASE_PASSWORD")
		if !db && !env && !filled && !sv && !param && !slices.Contains(td.Secrets, n) {
			return fmt.Errorf("the design gives %s no %s", process, n)
		}
	}
	return nil
}
