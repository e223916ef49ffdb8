package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// checkDashboardBody validates a body as CloudWatch does (a JSON object
// with a widgets array of typed widgets that fit the 24-column grid).
func checkDashboardBody(body string) []cwtypes.DashboardValidationMessage {
	msg := func(path, m string) []cwtypes.DashboardValidationMessage {
		return []cwtypes.DashboardValidationMessage{{DataPath: aws.String(path), Message: aws.String(m)}}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return msg("", "The dashboard body is not valid JSON: "+err.Error())
	}
	if doc == nil {
		return msg("", "Should be object")
	}
	ws, ok := doc["widgets"]
	if !ok {
		return msg("", "Should have required property 'widgets'")
	}
	list, ok := ws.([]any)
	if !ok {
		return msg("/widgets", "Should be array")
	}
	var out []cwtypes.DashboardValidationMessage
	for i, w := range list {
		p := "/widgets/" + strconv.Itoa(i)
		obj, ok := w.(map[string]any)
		if !ok {
			out = append(out, msg(p, "Should be object")...)
			continue
		}
		typ, _ := obj["type"].(string)
		if _, has := obj["type"]; !has {
			out = append(out, msg(p, "Should have required property 'type'")...)
		} else if !cwWidgets[typ] {
			out = append(out, msg(p+"/type", "Should be equal to one of the allowed values [metric, text, log, alarm, explorer, custom]")...)
		}
		for _, g := range []struct {
			k        string
			min, max float64
		}{{"x", 0, 23}, {"y", 0, 1e6}, {"width", 1, 24}, {"height", 1, 1000}} {
			v, has := obj[g.k]
			if !has {
				continue
			}
			n, ok := v.(float64)
			if !ok || n != math.Trunc(n) {
				out = append(out, msg(p+"/"+g.k, "Should be integer")...)
			} else if n < g.min || n > g.max {
				out = append(out, msg(p+"/"+g.k, fmt.Sprintf("Should be between %g and %g", g.min, g.max))...)
			}
		}
		props, hasProps := obj["properties"].(map[string]any)
		switch typ {
		case "text":
			if _, ok := props["markdown"].(string); !ok {
				out = append(out, msg(p+"/properties", "Should have required property 'markdown'")...)
			}
		case "metric":
			if !hasProps {
				out = append(out, msg(p, "Should have required property 'properties'")...)
				break
			}
			_, m := props["metrics"]
			_, a := props["annotations"]
			if !m && !a {
				out = append(out, msg(p+"/properties", "Should have required property 'metrics'")...)
			} else if m {
				if _, ok := props["metrics"].([]any); !ok {
					out = append(out, msg(p+"/properties/metrics", "Should be array")...)
				}
			}
		case "log":
			if _, ok := props["query"].(string); !ok {
				out = append(out, msg(p+"/properties", "Should have required property 'query'")...)
			}
		case "alarm":
			if _, ok := props["alarms"].([]any); !ok {
				out = append(out, msg(p+"/properties", "Should have required property 'alarms'")...)
			}
		}
	}
	return out
}

func (a *cloudwatchAPI) PutDashboard(ctx context.Context, in *cloudwatch.PutDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutDashboardOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "PutDashboard", func(t *tx) (*cloudwatch.PutDashboardOutput, error) {
		name := aws.ToString(in.DashboardName)
		if !cwDashNameRE.MatchString(name) {
			return nil, &cwtypes.DashboardInvalidInputError{Message: aws.String("The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).")}
		}
		if in.DashboardBody == nil {
			return nil, cwMissing("DashboardBody")
		}
		if msgs := checkDashboardBody(*in.DashboardBody); len(msgs) > 0 {
			return nil, &cwtypes.DashboardInvalidInputError{Message: aws.String("The field DashboardBody must be a valid JSON object"), DashboardValidationMessages: msgs}
		}
		d := t.r.CloudWatch.Dashboards[name]
		if d == nil {
			if len(t.r.CloudWatch.Dashboards) >= 5000 {
				return nil, &cwtypes.LimitExceededFault{Message: aws.String("The maximum number of dashboards has been reached.")}
			}
			d = &cwDashboard{Name: name, Created: t.now}
			t.r.CloudWatch.Dashboards[name] = d
		}
		d.Body, d.Modified = *in.DashboardBody, t.now
		return &cloudwatch.PutDashboardOutput{DashboardValidationMessages: []cwtypes.DashboardValidationMessage{}}, nil
	})
}

func (a *cloudwatchAPI) GetDashboard(ctx context.Context, in *cloudwatch.GetDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "GetDashboard", func(t *tx) (*cloudwatch.GetDashboardOutput, error) {
		name := aws.ToString(in.DashboardName)
		d := t.r.CloudWatch.Dashboards[name]
		if d == nil || t.hidden(d.Created) {
			return nil, dashboardNotFound(name)
		}
		return &cloudwatch.GetDashboardOutput{DashboardName: aws.String(d.Name), DashboardArn: aws.String(dashboardARN(t, d.Name)), DashboardBody: aws.String(d.Body)}, nil
	})
}

func (a *cloudwatchAPI) DeleteDashboards(ctx context.Context, in *cloudwatch.DeleteDashboardsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteDashboardsOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "DeleteDashboards", func(t *tx) (*cloudwatch.DeleteDashboardsOutput, error) {
		if len(in.DashboardNames) == 0 {
			return nil, cwMissing("DashboardNames")
		}
		for _, n := range in.DashboardNames {
			if t.r.CloudWatch.Dashboards[n] == nil {
				return nil, dashboardNotFound(n)
			}
		}
		for _, n := range in.DashboardNames {
			delete(t.r.CloudWatch.Dashboards, n)
		}
		return &cloudwatch.DeleteDashboardsOutput{}, nil
	})
}

func (a *cloudwatchAPI) ListDashboards(ctx context.Context, in *cloudwatch.ListDashboardsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListDashboardsOutput, error) {
	return callIn(ctx, a.s, a.region, svcCloudWatch, "ListDashboards", func(t *tx) (*cloudwatch.ListDashboardsOutput, error) {
		prefix := aws.ToString(in.DashboardNamePrefix)
		if prefix != "" && !cwDashNameRE.MatchString(prefix) {
			return nil, &cwtypes.InvalidParameterValueException{Message: aws.String("The value for DashboardNamePrefix contains invalid characters.")}
		}
		var all []cwtypes.DashboardEntry
		for _, n := range sortedKeys(t.r.CloudWatch.Dashboards) {
			d := t.r.CloudWatch.Dashboards[n]
			if t.hidden(d.Created) || !strings.HasPrefix(n, prefix) {
				continue
			}
			all = append(all, cwtypes.DashboardEntry{DashboardName: aws.String(n), DashboardArn: aws.String(dashboardARN(t, n)),
				LastModified: tp(d.Modified), Size: aws.Int64(int64(len(d.Body)))})
		}
		items, next, err := page(all, in.NextToken, 1000)
		if err != nil {
			return nil, &cwtypes.InvalidNextToken{Message: aws.String("The service returned an error with Error Code InvalidNextToken.")}
		}
		if items == nil {
			items = []cwtypes.DashboardEntry{}
		}
		return &cloudwatch.ListDashboardsOutput{DashboardEntries: items, NextToken: next}, nil
	})
}
