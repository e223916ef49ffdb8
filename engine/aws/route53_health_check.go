package aws

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/resource"
)

// healthCheckHandler is the smoke check: a Route 53 health check on the
// load balancer's DNS name. Route 53 is global and CreateHealthCheck takes
// no tags, so the mvi tags go on with ChangeTagsForResource right after
// the create; the CallerReference starts with the app's mark and the
// design's token, so a create retried after a lost answer or a failed
// tagging finds the check it made and tags it rather than making a
// second, and a check made but never tagged (mvi killed between the two
// calls) is still listed as the app's, for the next up to tag or down to
// delete.
type healthCheckHandler struct{}

// callerMark starts the CallerReference of every health check of app.
func callerMark(app string) string { return "mvi-" + shortHash("route53/"+app) + "." }

func (healthCheckHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeHealthCheck, Service: arch.Metric, DeleteRank: 1,
		Console: func(s resource.Site) string {
			return console(s, "route53/healthchecks/home#/details/"+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws route53 get-health-check-status --health-check-id " + s.PhysicalID
		},
	}
}

func healthCheckLive(typ string, hc r53types.HealthCheck, tags map[string]string) resource.Live {
	l := newLive(typ, str(hc.Id), tags)
	l.ARN = "arn:aws:route53:::healthcheck/" + str(hc.Id)
	l.State = "available"
	l.Attrs["id"] = l.PhysicalID
	l.Attrs["caller_reference"] = str(hc.CallerReference)
	if c := hc.HealthCheckConfig; c != nil {
		l.Attrs["type"] = string(c.Type)
		l.Attrs["fqdn"] = str(c.FullyQualifiedDomainName)
		l.Attrs["path"] = str(c.ResourcePath)
		l.Attrs["search_string"] = str(c.SearchString)
		l.Attrs["request_interval"] = strconv.Itoa(int(i32(c.RequestInterval)))
		l.Attrs["failure_threshold"] = strconv.Itoa(int(i32(c.FailureThreshold)))
	}
	return l
}

// all lists every health check of the account (Route 53 has no filter).
func (h healthCheckHandler) all(ctx context.Context, env resource.Env) ([]r53types.HealthCheck, error) {
	var out []r53types.HealthCheck
	in := &route53.ListHealthChecksInput{}
	for {
		res, err := env.Clients.Route53.ListHealthChecks(ctx, in)
		if err != nil {
			return nil, wrap("list", "health checks", err)
		}
		out = append(out, res.HealthChecks...)
		if !res.IsTruncated || res.NextMarker == nil {
			return out, nil
		}
		in.Marker = res.NextMarker
	}
}

// tagsOf reads the tags of many health checks, 10 a call (Route 53's limit).
func (h healthCheckHandler) tagsOf(ctx context.Context, env resource.Env, ids []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for i := 0; i < len(ids); i += 10 {
		batch := ids[i:min(i+10, len(ids))]
		res, err := env.Clients.Route53.ListTagsForResources(ctx, &route53.ListTagsForResourcesInput{
			ResourceType: r53types.TagResourceTypeHealthcheck, ResourceIds: batch,
		})
		if err != nil {
			return nil, wrap("list", "health check tags", err)
		}
		for _, s := range res.ResourceTagSets {
			out[str(s.ResourceId)] = fromSDK(s.Tags, func(t r53types.Tag) (*string, *string) { return t.Key, t.Value })
		}
	}
	return out, nil
}

func (h healthCheckHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	all, err := h.all(ctx, env)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, hc := range all {
		ids[i] = str(hc.Id)
	}
	tags, err := h.tagsOf(ctx, env, ids)
	if err != nil {
		return nil, err
	}
	var out []resource.Live
	for _, hc := range all {
		t := tags[str(hc.Id)]
		if t[resource.TagID] == "" && strings.HasPrefix(str(hc.CallerReference), callerMark(env.App)) {
			// Made, not yet tagged: the app's one health check, its smoke
			// check, with no hash, so the next plan updates (and tags) it.
			t = map[string]string{resource.TagApp: env.App, resource.TagID: arch.IDSmokeCheck}
		}
		if ours(env.App, t) {
			l := healthCheckLive(h.Describe().Type, hc, t)
			if err := h.observe(ctx, env, &l); err != nil {
				return nil, err
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// observe reads what the checkers saw: the check is Healthy when more
// than 18% of them last saw success (Route 53's rule for an endpoint),
// Unknown before any has checked; the latest report is a gauge.
func (h healthCheckHandler) observe(ctx context.Context, env resource.Env, l *resource.Live) error {
	res, err := env.Clients.Route53.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: aws.String(l.PhysicalID)})
	if isCode(err, "NoSuchHealthCheck") {
		return nil
	}
	if err != nil {
		return wrap("status", l.ID, err)
	}
	ok, n := 0, 0
	var last *r53types.StatusReport
	for _, o := range res.HealthCheckObservations {
		r := o.StatusReport
		if r == nil {
			continue
		}
		n++
		if strings.HasPrefix(str(r.Status), "Success") {
			ok++
		}
		if last == nil || (r.CheckedTime != nil && last.CheckedTime != nil && r.CheckedTime.After(*last.CheckedTime)) {
			last = r
		}
	}
	switch {
	case n == 0:
		l.State = "Unknown"
	case float64(ok) > 0.18*float64(n):
		l.State = "Healthy"
	default:
		l.State = "Unhealthy"
	}
	if last != nil {
		l.Attrs["gauge:checkers"] = strconv.Itoa(ok) + " of " + strconv.Itoa(n) + " saw it healthy"
		l.Attrs["gauge:last check"] = str(last.Status)
	}
	return nil
}

func (h healthCheckHandler) config(env resource.Env, r arch.Resource, op string) (arch.SmokeCheckProps, *r53types.HealthCheckConfig, error) {
	p, err := propsOf[arch.SmokeCheckProps](op, r)
	if err != nil {
		return p, nil, err
	}
	fqdn, err := depAttr(env, r.ID, p.LoadBalancer, "dns_name")
	if err != nil {
		return p, nil, err
	}
	c := &r53types.HealthCheckConfig{
		Type:                     r53types.HealthCheckType(p.Type),
		FullyQualifiedDomainName: aws.String(fqdn),
		Port:                     aws.Int32(int32(p.Port)),
		ResourcePath:             aws.String(p.Path),
		RequestInterval:          aws.Int32(int32(p.Interval)),
		FailureThreshold:         aws.Int32(int32(p.FailureThreshold)),
	}
	if p.SearchString != "" {
		c.SearchString = aws.String(p.SearchString)
	}
	return p, c, nil
}

func (h healthCheckHandler) tag(ctx context.Context, env resource.Env, r arch.Resource, id string) (map[string]string, error) {
	tags := resource.Tags(env.App, r)
	_, err := env.Clients.Route53.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{
		ResourceType: r53types.TagResourceTypeHealthcheck, ResourceId: aws.String(id),
		AddTags: toSDK(tags, func(k, v *string) r53types.Tag { return r53types.Tag{Key: k, Value: v} }),
	})
	return tags, wrap("tag", r.ID, err)
}

func (h healthCheckHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	_, cfg, err := h.config(env, r, "create")
	if err != nil {
		return resource.Live{}, err
	}
	token := callerMark(env.App) + clientToken(env, r)
	all, err := h.all(ctx, env)
	if err != nil {
		return resource.Live{}, err
	}
	var hc *r53types.HealthCheck
	for i := range all {
		if strings.HasPrefix(str(all[i].CallerReference), token+"-") {
			hc = &all[i] // made by an earlier try of this create
			break
		}
	}
	if hc == nil {
		// A CallerReference is never reused, even after its check is
		// deleted (HealthCheckAlreadyExists): the time makes each new.
		ref := token + "-" + strconv.FormatInt(env.Clock().UnixNano(), 36)
		res, err := env.Clients.Route53.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{
			CallerReference: aws.String(ref), HealthCheckConfig: cfg,
		})
		if err != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		hc = res.HealthCheck
	}
	tags, err := h.tag(ctx, env, r, str(hc.Id))
	if err != nil {
		return resource.Live{}, err
	}
	return healthCheckLive(h.Describe().Type, *hc, tags), nil
}

// Replaces: Route 53 can't change a health check's type or interval.
func (h healthCheckHandler) Replaces(r arch.Resource, live resource.Live) string {
	p, ok := r.Props.(arch.SmokeCheckProps)
	if !ok {
		return ""
	}
	if t := live.Attrs["type"]; t != "" && t != p.Type {
		return forces("type", t, p.Type, "Route 53 can't change a health check's type")
	}
	if iv := live.Attrs["request_interval"]; iv != "" && iv != strconv.Itoa(p.Interval) {
		return forces("request interval", iv+" s", strconv.Itoa(p.Interval)+" s", "Route 53 can't change how often a check runs")
	}
	return ""
}

func (h healthCheckHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, cfg, err := h.config(env, r, "update")
	if err != nil {
		return resource.Live{}, err
	}
	if h.Replaces(r, live) != "" {
		return resource.Live{}, resource.ErrReplace
	}
	in := &route53.UpdateHealthCheckInput{
		HealthCheckId: aws.String(live.PhysicalID), FullyQualifiedDomainName: cfg.FullyQualifiedDomainName,
		Port: cfg.Port, ResourcePath: cfg.ResourcePath, FailureThreshold: cfg.FailureThreshold,
	}
	if p.SearchString != "" {
		in.SearchString = cfg.SearchString
	}
	res, err := env.Clients.Route53.UpdateHealthCheck(ctx, in)
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	tags, err := h.tag(ctx, env, r, live.PhysicalID)
	if err != nil {
		return resource.Live{}, err
	}
	return healthCheckLive(h.Describe().Type, *res.HealthCheck, tags), nil
}

func (h healthCheckHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.Route53.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: aws.String(live.PhysicalID)})
	if isCode(err, "NoSuchHealthCheck") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h healthCheckHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}
