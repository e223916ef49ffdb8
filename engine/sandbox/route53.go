package sandbox

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// Route 53 health checks: the control plane (validated as Route 53 does:
// a CallerReference is never reused, not even after its check is deleted;
// the type and the interval can't change) and the state the data plane's
// checker keeps (route53_checks.go). Route 53 is global: its records live
// on the state, not in a region, and its metrics go to us-east-1.

type route53API struct{ s *Sandbox }

var _ cloud.Route53 = (*route53API)(nil)

type route53State struct {
	HealthChecks map[string]*r53Check `json:"health_checks"`
	// Refs are every CallerReference ever used, with the check it made.
	Refs map[string]string `json:"caller_references"`
}

type r53Check struct {
	Meta
	Ref     string                     `json:"caller_reference"`
	Config  r53types.HealthCheckConfig `json:"config"`
	Version int64                      `json:"version"`
	// What the checker saw, on the sandbox clock.
	Healthy bool      `json:"healthy"`
	OKN     int       `json:"ok_in_a_row"`
	FailN   int       `json:"failures_in_a_row"`
	Checked time.Time `json:"checked,omitempty"`
	Report  string    `json:"report,omitempty"` // "Success: HTTP Status Code 200, OK" …
}

// r53Types are the types the sandbox's checker can run; the others are
// accepted, as Route 53 accepts them, and reported as not run.
var r53Types = map[r53types.HealthCheckType]bool{
	r53types.HealthCheckTypeHttp: true, r53types.HealthCheckTypeHttpStrMatch: true,
	r53types.HealthCheckTypeHttps: false, r53types.HealthCheckTypeHttpsStrMatch: false, r53types.HealthCheckTypeTcp: false,
}

func r53Invalid(format string, args ...any) error {
	return &r53types.InvalidInput{Message: aws.String(sprintf(format, args...))}
}

func noSuchCheck(id string) error {
	return &r53types.NoSuchHealthCheck{Message: aws.String("No health check exists with the specified ID " + id)}
}

func checkR53Config(c *r53types.HealthCheckConfig) error {
	if c == nil {
		return r53Invalid("1 validation error detected: Value null at 'healthCheckConfig' failed to satisfy constraint: Member must not be null")
	}
	if _, ok := r53Types[c.Type]; !ok {
		return r53Invalid("1 validation error detected: Value '%s' at 'healthCheckConfig.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP]", c.Type)
	}
	if aws.ToString(c.FullyQualifiedDomainName) == "" && aws.ToString(c.IPAddress) == "" {
		return r53Invalid("Invalid parameter: a health check needs a FullyQualifiedDomainName or an IPAddress")
	}
	if len(aws.ToString(c.FullyQualifiedDomainName)) > 255 || len(aws.ToString(c.ResourcePath)) > 255 || len(aws.ToString(c.SearchString)) > 255 {
		return r53Invalid("1 validation error detected: a value at 'healthCheckConfig' failed to satisfy constraint: Member must have length less than or equal to 255")
	}
	str := c.Type == r53types.HealthCheckTypeHttpStrMatch || c.Type == r53types.HealthCheckTypeHttpsStrMatch
	if str && aws.ToString(c.SearchString) == "" {
		return r53Invalid("A search string is required for health checks of type %s", c.Type)
	}
	if !str && c.SearchString != nil {
		return r53Invalid("A search string is not allowed for health checks of type %s", c.Type)
	}
	if iv := aws.ToInt32(c.RequestInterval); c.RequestInterval != nil && iv != 10 && iv != 30 {
		return r53Invalid("Invalid request interval %d: the request interval must be 10 or 30 seconds", iv)
	}
	if ft := aws.ToInt32(c.FailureThreshold); c.FailureThreshold != nil && (ft < 1 || ft > 10) {
		return r53Invalid("1 validation error detected: Value '%d' at 'healthCheckConfig.failureThreshold' failed to satisfy constraint: Member must have value between 1 and 10", ft)
	}
	if p := aws.ToInt32(c.Port); c.Port != nil && (p < 1 || p > 65535) {
		return r53Invalid("1 validation error detected: Value '%d' at 'healthCheckConfig.port' failed to satisfy constraint: Member must have value between 1 and 65535", p)
	}
	return nil
}

// r53Defaults fills what Route 53 fills: port 80 (443 for HTTPS), 30 s,
// 3 failures, path /.
func r53Defaults(c r53types.HealthCheckConfig) r53types.HealthCheckConfig {
	if c.Port == nil {
		c.Port = aws.Int32(80)
		if c.Type == r53types.HealthCheckTypeHttps || c.Type == r53types.HealthCheckTypeHttpsStrMatch {
			c.Port = aws.Int32(443)
		}
	}
	if c.RequestInterval == nil {
		c.RequestInterval = aws.Int32(30)
	}
	if c.FailureThreshold == nil {
		c.FailureThreshold = aws.Int32(3)
	}
	if c.ResourcePath == nil && c.Type != r53types.HealthCheckTypeTcp {
		c.ResourcePath = aws.String("/")
	}
	return c
}

func (h *r53Check) out() *r53types.HealthCheck {
	return &r53types.HealthCheck{Id: aws.String(h.ID), CallerReference: aws.String(h.Ref),
		HealthCheckConfig: ptr(clone(h.Config)), HealthCheckVersion: aws.Int64(h.Version)}
}

func (a *route53API) CreateHealthCheck(ctx context.Context, in *route53.CreateHealthCheckInput, _ ...func(*route53.Options)) (*route53.CreateHealthCheckOutput, error) {
	return call(ctx, a.s, svcRoute53, "CreateHealthCheck", func(t *tx) (*route53.CreateHealthCheckOutput, error) {
		ref := aws.ToString(in.CallerReference)
		if ref == "" || len(ref) > 64 {
			return nil, r53Invalid("1 validation error detected: Value at 'callerReference' failed to satisfy constraint: Member must have length between 1 and 64")
		}
		if err := checkR53Config(in.HealthCheckConfig); err != nil {
			return nil, err
		}
		cfg := r53Defaults(clone(*in.HealthCheckConfig))
		st := &t.st.Route53
		if id, used := st.Refs[ref]; used {
			// The same request again returns the check it made; any
			// other (or one whose check was deleted) is refused.
			if h := st.HealthChecks[id]; h != nil && jsonEqual(h.Config, cfg) {
				return &route53.CreateHealthCheckOutput{HealthCheck: h.out(), Location: aws.String("https://route53.amazonaws.com/2013-04-01/healthcheck/" + id)}, nil
			}
			return nil, &r53types.HealthCheckAlreadyExists{Message: aws.String("A health check with CallerReference " + ref + " already exists (or existed and was deleted)")}
		}
		id := uuid()
		h := &r53Check{Meta: Meta{ID: id, ARN: "arn:aws:route53:::healthcheck/" + id, Created: t.now, Tags: map[string]string{}},
			Ref: ref, Config: cfg, Version: 1, Healthy: true}
		st.HealthChecks[id] = h
		st.Refs[ref] = id
		return &route53.CreateHealthCheckOutput{HealthCheck: h.out(), Location: aws.String("https://route53.amazonaws.com/2013-04-01/healthcheck/" + id)}, nil
	})
}

func (a *route53API) GetHealthCheck(ctx context.Context, in *route53.GetHealthCheckInput, _ ...func(*route53.Options)) (*route53.GetHealthCheckOutput, error) {
	return call(ctx, a.s, svcRoute53, "GetHealthCheck", func(t *tx) (*route53.GetHealthCheckOutput, error) {
		h := t.st.Route53.HealthChecks[aws.ToString(in.HealthCheckId)]
		if h == nil || t.hidden(h.Created) {
			return nil, noSuchCheck(aws.ToString(in.HealthCheckId))
		}
		return &route53.GetHealthCheckOutput{HealthCheck: h.out()}, nil
	})
}

func (a *route53API) UpdateHealthCheck(ctx context.Context, in *route53.UpdateHealthCheckInput, _ ...func(*route53.Options)) (*route53.UpdateHealthCheckOutput, error) {
	return call(ctx, a.s, svcRoute53, "UpdateHealthCheck", func(t *tx) (*route53.UpdateHealthCheckOutput, error) {
		h := t.st.Route53.HealthChecks[aws.ToString(in.HealthCheckId)]
		if h == nil {
			return nil, noSuchCheck(aws.ToString(in.HealthCheckId))
		}
		if v := in.HealthCheckVersion; v != nil && *v != h.Version {
			return nil, &r53types.HealthCheckVersionMismatch{Message: aws.String("The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.")}
		}
		c := clone(h.Config)
		if in.FullyQualifiedDomainName != nil {
			c.FullyQualifiedDomainName = in.FullyQualifiedDomainName
		}
		if in.Port != nil {
			c.Port = in.Port
		}
		if in.ResourcePath != nil {
			c.ResourcePath = in.ResourcePath
		}
		if in.FailureThreshold != nil {
			c.FailureThreshold = in.FailureThreshold
		}
		if in.SearchString != nil {
			c.SearchString = in.SearchString
		}
		if in.Inverted != nil {
			c.Inverted = in.Inverted
		}
		if in.Disabled != nil {
			c.Disabled = in.Disabled
		}
		if err := checkR53Config(&c); err != nil {
			return nil, err
		}
		h.Config = clone(c)
		h.Version++
		return &route53.UpdateHealthCheckOutput{HealthCheck: h.out()}, nil
	})
}

func (a *route53API) DeleteHealthCheck(ctx context.Context, in *route53.DeleteHealthCheckInput, _ ...func(*route53.Options)) (*route53.DeleteHealthCheckOutput, error) {
	return call(ctx, a.s, svcRoute53, "DeleteHealthCheck", func(t *tx) (*route53.DeleteHealthCheckOutput, error) {
		id := aws.ToString(in.HealthCheckId)
		if t.st.Route53.HealthChecks[id] == nil {
			return nil, noSuchCheck(id)
		}
		delete(t.st.Route53.HealthChecks, id) // its CallerReference stays used
		return &route53.DeleteHealthCheckOutput{}, nil
	})
}

func (a *route53API) ListHealthChecks(ctx context.Context, in *route53.ListHealthChecksInput, _ ...func(*route53.Options)) (*route53.ListHealthChecksOutput, error) {
	return call(ctx, a.s, svcRoute53, "ListHealthChecks", func(t *tx) (*route53.ListHealthChecksOutput, error) {
		max := 100
		if in.MaxItems != nil {
			max = int(*in.MaxItems)
			if max < 1 || max > 1000 {
				return nil, r53Invalid("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must be between 1 and 1000", max)
			}
		}
		var all []*r53Check
		for _, id := range sortedKeys(t.st.Route53.HealthChecks) {
			if h := t.st.Route53.HealthChecks[id]; !t.hidden(h.Created) {
				all = append(all, h)
			}
		}
		start := 0
		if m := aws.ToString(in.Marker); m != "" {
			start = len(all)
			for i, h := range all {
				if h.ID >= m {
					start = i
					break
				}
			}
		}
		out := &route53.ListHealthChecksOutput{HealthChecks: []r53types.HealthCheck{}, Marker: in.Marker, MaxItems: aws.Int32(int32(max))}
		for i := start; i < len(all); i++ {
			if len(out.HealthChecks) == max {
				out.IsTruncated, out.NextMarker = true, aws.String(all[i].ID)
				break
			}
			out.HealthChecks = append(out.HealthChecks, *all[i].out())
		}
		return out, nil
	})
}

func (a *route53API) GetHealthCheckStatus(ctx context.Context, in *route53.GetHealthCheckStatusInput, _ ...func(*route53.Options)) (*route53.GetHealthCheckStatusOutput, error) {
	return call(ctx, a.s, svcRoute53, "GetHealthCheckStatus", func(t *tx) (*route53.GetHealthCheckStatusOutput, error) {
		h := t.st.Route53.HealthChecks[aws.ToString(in.HealthCheckId)]
		if h == nil {
			return nil, noSuchCheck(aws.ToString(in.HealthCheckId))
		}
		out := &route53.GetHealthCheckStatusOutput{HealthCheckObservations: []r53types.HealthCheckObservation{}}
		if !h.Checked.IsZero() {
			// The sandbox runs one checker, where Route 53 runs about
			// fifteen in several regions.
			out.HealthCheckObservations = append(out.HealthCheckObservations, r53types.HealthCheckObservation{
				Region: r53types.HealthCheckRegionUsEast1, IPAddress: aws.String("127.0.0.1"),
				StatusReport: &r53types.StatusReport{Status: aws.String(h.Report), CheckedTime: tp(h.Checked)},
			})
		}
		return out, nil
	})
}

func (a *route53API) ChangeTagsForResource(ctx context.Context, in *route53.ChangeTagsForResourceInput, _ ...func(*route53.Options)) (*route53.ChangeTagsForResourceOutput, error) {
	return call(ctx, a.s, svcRoute53, "ChangeTagsForResource", func(t *tx) (*route53.ChangeTagsForResourceOutput, error) {
		if in.ResourceType != r53types.TagResourceTypeHealthcheck {
			return nil, r53Invalid("the sandbox's Route 53 has health checks only, not %s", in.ResourceType)
		}
		h := t.st.Route53.HealthChecks[aws.ToString(in.ResourceId)]
		if h == nil {
			return nil, noSuchCheck(aws.ToString(in.ResourceId))
		}
		if len(in.AddTags) > 10 || len(in.RemoveTagKeys) > 10 {
			return nil, r53Invalid("1 validation error detected: at most 10 tags can be added or removed in one request")
		}
		if h.Tags == nil {
			h.Tags = map[string]string{}
		}
		for _, k := range in.RemoveTagKeys {
			delete(h.Tags, k)
		}
		for _, tg := range in.AddTags {
			k := aws.ToString(tg.Key)
			if k == "" || len(k) > 128 || strings.HasPrefix(k, "aws:") {
				return nil, r53Invalid("Invalid tag key %q", k)
			}
			h.Tags[k] = aws.ToString(tg.Value)
		}
		if len(h.Tags) > 50 {
			return nil, r53Invalid("A resource can have at most 50 tags")
		}
		return &route53.ChangeTagsForResourceOutput{}, nil
	})
}

func (a *route53API) ListTagsForResources(ctx context.Context, in *route53.ListTagsForResourcesInput, _ ...func(*route53.Options)) (*route53.ListTagsForResourcesOutput, error) {
	return call(ctx, a.s, svcRoute53, "ListTagsForResources", func(t *tx) (*route53.ListTagsForResourcesOutput, error) {
		if in.ResourceType != r53types.TagResourceTypeHealthcheck {
			return nil, r53Invalid("the sandbox's Route 53 has health checks only, not %s", in.ResourceType)
		}
		if len(in.ResourceIds) < 1 || len(in.ResourceIds) > 10 {
			return nil, r53Invalid("1 validation error detected: Value at 'resourceIds' failed to satisfy constraint: Member must have length between 1 and 10")
		}
		out := &route53.ListTagsForResourcesOutput{ResourceTagSets: []r53types.ResourceTagSet{}}
		for _, id := range in.ResourceIds {
			h := t.st.Route53.HealthChecks[id]
			if h == nil {
				return nil, noSuchCheck(id)
			}
			set := r53types.ResourceTagSet{ResourceId: aws.String(id), ResourceType: r53types.TagResourceTypeHealthcheck, Tags: []r53types.Tag{}}
			for _, k := range sortedKeys(h.Tags) {
				set.Tags = append(set.Tags, r53types.Tag{Key: aws.String(k), Value: aws.String(h.Tags[k])})
			}
			out.ResourceTagSets = append(out.ResourceTagSets, set)
		}
		return out, nil
	})
}

// interval is the check's period on the sandbox clock: RequestInterval
// divided by Speed, or as it is at Speed 0 (a check can't be instant).
func (h *r53Check) interval(t *tx) time.Duration {
	d := time.Duration(aws.ToInt32(h.Config.RequestInterval)) * time.Second
	if d <= 0 {
		d = 30 * time.Second
	}
	if t.s.speed > 0 {
		d = t.dur(d)
	}
	return d
}

func (h *r53Check) url() string {
	host := aws.ToString(h.Config.FullyQualifiedDomainName)
	if host == "" {
		host = aws.ToString(h.Config.IPAddress)
	}
	return "http://" + host + ":" + strconv.Itoa(int(aws.ToInt32(h.Config.Port))) + aws.ToString(h.Config.ResourcePath)
}

// jsonEqual compares two records as they are stored.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
