package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/minimalinfra/mvi/engine/arch"
)

// dashboardHandler is the app's one page of graphs, mvi-<app>. Dashboards
// take no tags: a text widget on the page says which app, logical id and
// hash it was made from.
type dashboardHandler struct{}

func (dashboardHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeDashboard, Service: arch.Metric, DeleteRank: 0,
		Console: func(s resource.Site) string {
			return console(s, "cloudwatch/home?region="+s.Region+"#dashboards/dashboard/"+s.Name())
		},
		Lookup: func(s resource.Site) string {
			return "aws cloudwatch get-dashboard --dashboard-name " + s.Name() + " " + regionFlag(s)
		},
	}
}

var dashboardMark = regexp.MustCompile(`mvi:app=(\S+) mvi:id=(\S+) mvi:hash=([0-9a-z]+)`)

func (h dashboardHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	name := dashboardName(env.App)
	var out []resource.Live
	in := &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String(name)}
	for {
		res, err := env.Clients.CloudWatch.ListDashboards(ctx, in)
		if err != nil {
			return nil, wrap("list", "dashboards", err)
		}
		for _, d := range res.DashboardEntries {
			if str(d.DashboardName) != name {
				continue
			}
			g, err := env.Clients.CloudWatch.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: d.DashboardName})
			if isCode(err, "ResourceNotFound", "ResourceNotFoundException") {
				continue
			}
			if err != nil {
				return nil, wrap("list", name, err)
			}
			m := dashboardMark.FindStringSubmatch(str(g.DashboardBody))
			if m == nil || m[1] != env.App {
				continue
			}
			out = append(out, resource.Live{ID: m[2], Type: h.Describe().Type, PhysicalID: name, ARN: str(d.DashboardArn), Hash: m[3], State: "available",
				Attrs: map[string]string{"name": name, "arn": str(d.DashboardArn)}})
		}
		if str(res.NextToken) == "" {
			return out, nil
		}
		in.NextToken = res.NextToken
	}
}

type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// dashboardBody draws requests, errors, latency and healthy containers
// (with a load balancer) and the cluster's CPU and memory.
func dashboardBody(env resource.Env, r arch.Resource, cluster, lb string) (string, error) {
	mark := fmt.Sprintf("mvi:app=%s mvi:id=%s mvi:hash=%s", env.App, r.ID, arch.Hash(r.Props))
	ws := []widget{{Type: "text", X: 0, Y: 0, Width: 24, Height: 2, Properties: map[string]any{
		"markdown": "## " + env.App + "\nMade by mvi; changes here are replaced on the next `mvi up`. `" + mark + "`",
	}}}
	metric := func(y int, title, ns, metric, stat string, dims ...string) widget {
		m := append([]any{ns, metric}, toAny(dims)...)
		m = append(m, map[string]string{"stat": stat})
		return widget{Type: "metric", X: 0, Y: y, Width: 24, Height: 6, Properties: map[string]any{
			"title": title, "region": env.Region, "view": "timeSeries", "period": 60, "metrics": []any{m},
		}}
	}
	y := 2
	if lb != "" {
		ws = append(ws,
			metric(y, "Requests", "AWS/ApplicationELB", "RequestCount", "Sum", "LoadBalancer", lb),
			metric(y+6, "5xx errors", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", "LoadBalancer", lb),
			metric(y+12, "Latency", "AWS/ApplicationELB", "TargetResponseTime", "p90", "LoadBalancer", lb),
		)
		y += 18
	}
	ws = append(ws,
		metric(y, "Container CPU", "AWS/ECS", "CPUUtilization", "Average", "ClusterName", cluster),
		metric(y+6, "Container memory", "AWS/ECS", "MemoryUtilization", "Average", "ClusterName", cluster),
	)
	b, err := json.Marshal(map[string]any{"widgets": ws})
	return string(b), err
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func (h dashboardHandler) put(ctx context.Context, env resource.Env, r arch.Resource, op string) (resource.Live, error) {
	p, err := propsOf[arch.DashboardProps](op, r)
	if err != nil {
		return resource.Live{}, err
	}
	cluster, err := depAttr(env, r.ID, p.Cluster, "name")
	if err != nil {
		return resource.Live{}, err
	}
	lb := ""
	if p.LoadBalancer != "" {
		if lb, err = depAttr(env, r.ID, p.LoadBalancer, "full_name"); err != nil {
			return resource.Live{}, err
		}
	}
	body, err := dashboardBody(env, r, cluster, lb)
	if err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	name := dashboardName(env.App)
	res, err := env.Clients.CloudWatch.PutDashboard(ctx, &cloudwatch.PutDashboardInput{DashboardName: aws.String(name), DashboardBody: aws.String(body)})
	if err != nil {
		return resource.Live{}, wrap(op, r.ID, err)
	}
	arn := "arn:" + partition(env.Region) + ":cloudwatch::" + env.Account + ":dashboard/" + name
	l := resource.Live{ID: r.ID, Type: h.Describe().Type, PhysicalID: name, ARN: arn, Hash: arch.Hash(r.Props), State: "available",
		Attrs: map[string]string{"name": name, "arn": arn}}
	// The dashboard is saved even when CloudWatch warns about a widget; the
	// warnings travel with it for status to show.
	if len(res.DashboardValidationMessages) > 0 {
		var msgs []string
		for _, m := range res.DashboardValidationMessages {
			msgs = append(msgs, str(m.DataPath)+": "+str(m.Message))
		}
		l.Attrs["warnings"] = strings.Join(msgs, "; ")
	}
	return l, nil
}

func (h dashboardHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	return h.put(ctx, env, r, "create")
}

func (h dashboardHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	return h.put(ctx, env, r, "update")
}

func (h dashboardHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.CloudWatch.DeleteDashboards(ctx, &cloudwatch.DeleteDashboardsInput{DashboardNames: []string{live.PhysicalID}})
	if isCode(err, "ResourceNotFound", "ResourceNotFoundException", "DashboardNotFoundError") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h dashboardHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	return true, "", nil
}
