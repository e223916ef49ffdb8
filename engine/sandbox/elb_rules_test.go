package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func pathIs(vs ...string) []elbtypes.RuleCondition {
	return []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: vs}}}
}

// Rules as ALB keeps them: unique priorities, AWS's errors, tags, the
// default rule, a target group in use while a rule forwards to it, and
// the listener's rules gone with it.
func TestListenerRules(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	n := buildNetwork(t, c, "shop")
	lb := must(c.ELB.CreateLoadBalancer(bg, &elb.CreateLoadBalancerInput{Name: aws.String("mvi-shop"), Subnets: n.subnets, SecurityGroups: []string{n.sgLB}}))
	lbARN := lb.LoadBalancers[0].LoadBalancerArn
	tg := func(name string) string {
		out := must(c.ELB.CreateTargetGroup(bg, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), VpcId: &n.vpc, TargetType: elbtypes.TargetTypeEnumInstance}))
		return aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	web, api, admin := tg("web"), tg("api"), tg("admin")
	ls := must(c.ELB.CreateListener(bg, &elb.CreateListenerInput{LoadBalancerArn: lbARN, Port: aws.Int32(80), Protocol: elbtypes.ProtocolEnumHttp,
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: &web}}}))
	lARN := ls.Listeners[0].ListenerArn
	fwd := func(tg string) []elbtypes.Action {
		return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: &tg}}
	}
	create := func(p int32, cs []elbtypes.RuleCondition, tg string) (*elb.CreateRuleOutput, error) {
		return c.ELB.CreateRule(bg, &elb.CreateRuleInput{ListenerArn: lARN, Priority: aws.Int32(p), Conditions: cs, Actions: fwd(tg),
			Tags: []elbtypes.Tag{{Key: aws.String("mvi:app"), Value: aws.String("shop")}}})
	}
	r1 := must(create(1, pathIs("/api/*"), api)).Rules[0]
	if !strings.Contains(aws.ToString(r1.RuleArn), ":listener-rule/app/mvi-shop/") || aws.ToString(r1.Priority) != "1" {
		t.Errorf("rule %s priority %s", aws.ToString(r1.RuleArn), aws.ToString(r1.Priority))
	}
	_, err := create(1, pathIs("/admin/*"), admin)
	wantCode(t, err, "PriorityInUse")
	_, err = create(0, pathIs("/admin/*"), admin)
	wantCode(t, err, "ValidationError")
	_, err = create(2, pathIs("/admin/<x>"), admin)
	wantCode(t, err, "ValidationError")
	_, err = create(2, []elbtypes.RuleCondition{{Field: aws.String("host-header"), Values: []string{"admin"}}}, admin)
	wantCode(t, err, "ValidationError") // a host needs a dot and a top-level domain
	_, err = create(2, pathIs("/a", "/b", "/c", "/d", "/e", "/f"), admin)
	wantCode(t, err, "ValidationError") // five condition values at most
	_, err = create(2, nil, admin)
	wantCode(t, err, "ValidationError")
	_, err = create(2, pathIs("/admin/*"), web[:len(web)-3]+"fff")
	wantCode(t, err, "TargetGroupNotFound")
	_, err = c.ELB.CreateRule(bg, &elb.CreateRuleInput{ListenerArn: aws.String(aws.ToString(lARN) + "0"), Priority: aws.Int32(3), Conditions: pathIs("/x"), Actions: fwd(admin)})
	wantCode(t, err, "ListenerNotFound")
	r2 := must(create(2, []elbtypes.RuleCondition{{Field: aws.String("host-header"), Values: []string{"admin.example.com"}}}, admin)).Rules[0]

	rules := must(c.ELB.DescribeRules(bg, &elb.DescribeRulesInput{ListenerArn: lARN})).Rules
	if len(rules) != 3 || aws.ToString(rules[0].Priority) != "1" || aws.ToString(rules[1].Priority) != "2" || !aws.ToBool(rules[2].IsDefault) ||
		aws.ToString(rules[2].Priority) != "default" || aws.ToString(rules[2].Actions[0].TargetGroupArn) != web {
		t.Fatalf("rules %+v", rules)
	}
	tags := must(c.ELB.DescribeTags(bg, &elb.DescribeTagsInput{ResourceArns: []string{aws.ToString(r1.RuleArn)}}))
	if len(tags.TagDescriptions[0].Tags) != 1 || aws.ToString(tags.TagDescriptions[0].Tags[0].Value) != "shop" {
		t.Errorf("tags %+v", tags.TagDescriptions)
	}
	_, err = c.ELB.DeleteRule(bg, &elb.DeleteRuleInput{RuleArn: rules[2].RuleArn})
	wantCode(t, err, "OperationNotPermitted")
	_, err = c.ELB.ModifyRule(bg, &elb.ModifyRuleInput{RuleArn: rules[2].RuleArn, Actions: fwd(api)})
	wantCode(t, err, "OperationNotPermitted")

	// Swap in one call; a number a third rule keeps is PriorityInUse.
	must(c.ELB.SetRulePriorities(bg, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
		{RuleArn: r1.RuleArn, Priority: aws.Int32(2)}, {RuleArn: r2.RuleArn, Priority: aws.Int32(1)}}}))
	_, err = c.ELB.SetRulePriorities(bg, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{{RuleArn: r1.RuleArn, Priority: aws.Int32(1)}}})
	wantCode(t, err, "PriorityInUse")
	got := must(c.ELB.DescribeRules(bg, &elb.DescribeRulesInput{RuleArns: []string{aws.ToString(r1.RuleArn)}})).Rules[0]
	if aws.ToString(got.Priority) != "2" {
		t.Errorf("after the swap api's rule is %s", aws.ToString(got.Priority))
	}
	mod := must(c.ELB.ModifyRule(bg, &elb.ModifyRuleInput{RuleArn: r1.RuleArn, Conditions: pathIs("/v2/*")}))
	if p := mod.Rules[0].Conditions[0].PathPatternConfig.Values; p[0] != "/v2/*" {
		t.Errorf("modified %+v", mod.Rules[0].Conditions)
	}

	_, err = c.ELB.DeleteTargetGroup(bg, &elb.DeleteTargetGroupInput{TargetGroupArn: &api})
	wantCode(t, err, "ResourceInUse")
	must(c.ELB.DeleteRule(bg, &elb.DeleteRuleInput{RuleArn: r1.RuleArn}))
	_, err = c.ELB.DeleteRule(bg, &elb.DeleteRuleInput{RuleArn: r1.RuleArn})
	wantCode(t, err, "RuleNotFound")
	must(c.ELB.DeleteTargetGroup(bg, &elb.DeleteTargetGroupInput{TargetGroupArn: &api}))

	must(c.ELB.DeleteListener(bg, &elb.DeleteListenerInput{ListenerArn: lARN}))
	_, err = c.ELB.DescribeRules(bg, &elb.DescribeRulesInput{RuleArns: []string{aws.ToString(r2.RuleArn)}})
	wantCode(t, err, "RuleNotFound")
	must(c.ELB.DeleteTargetGroup(bg, &elb.DeleteTargetGroupInput{TargetGroupArn: &admin}))
}

// ALB's matching: * any run, ? one character; paths keep their case,
// hosts don't, and a host's port doesn't count.
func TestRuleMatching(t *testing.T) {
	host := func(v string) []elbtypes.RuleCondition {
		return []elbtypes.RuleCondition{{Field: aws.String("host-header"), Values: []string{v}}}
	}
	both := append(pathIs("/api/*"), host("*.example.com")...)
	for _, c := range []struct {
		cs         []elbtypes.RuleCondition
		host, path string
		want       bool
	}{
		{pathIs("/api/*"), "x", "/api/x", true},
		{pathIs("/api/*"), "x", "/api/", true},
		{pathIs("/api/*"), "x", "/api", false},
		{pathIs("/api/*"), "x", "/API/x", false},
		{pathIs("/v?/x"), "x", "/v2/x", true},
		{pathIs("/v?/x"), "x", "/v10/x", false},
		{pathIs("*.png"), "x", "/img/a.png", true},
		{pathIs("/a", "/b"), "x", "/b", true},
		{host("API.Example.com"), "api.example.COM:8080", "/", true},
		{host("api.example.com"), "www.example.com", "/", false},
		{both, "a.example.com", "/api/1", true},
		{both, "a.example.com", "/", false},
	} {
		if got := ruleMatches(c.cs, c.host, c.path); got != c.want {
			t.Errorf("%s on %s%s: %v, want %v", conditionValues(c.cs[0]), c.host, c.path, got, c.want)
		}
	}
}

// Through the data plane, applied by the engine: /api/x reaches api, the
// host admin.example.com (in any case) reaches admin, the first rule to
// match wins, and what no rule matches (/, /apix) reaches web, the default.
func TestDataPlaneRoutesByRules(t *testing.T) {
	h := upExample(t, "testdata/routes/mvi.toml", 0, ServeOptions{})
	// process names the process that answered GET host+path.
	process := func(host, path string) (string, error) {
		req, err := http.NewRequest(http.MethodGet, "http://"+h.dns+path, nil)
		if err != nil {
			return "", err
		}
		if host != "" {
			req.Host = host
		}
		resp, err := h.sb.Clients().HTTP.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			return "", fmt.Errorf("%d %v", resp.StatusCode, err)
		}
		for _, p := range []string{"web", "api", "admin", "redis"} {
			if strings.Contains(string(b), "<li>process: "+p+"</li>") {
				return p, nil
			}
		}
		return "", fmt.Errorf("no process named in\n%s", b)
	}
	// Each rule's containers pass their health checks in their own time.
	for _, c := range [][2]string{{"", "/api/x"}, {"admin.example.com", "/"}} {
		eventually(t, "the containers behind the rule for "+c[0]+c[1]+" to answer", func() bool {
			_, err := process(c[0], c[1])
			return err == nil
		})
	}
	for _, c := range []struct{ host, path, want string }{
		{"", "/api/x", "api"}, {"", "/api/", "api"}, {"", "/", "web"}, {"", "/apix", "web"}, {"", "/x/api/y", "web"},
		{"admin.example.com", "/", "admin"}, {"ADMIN.example.com:80", "/", "admin"}, {"www.example.com", "/", "web"},
		// Both rules match: admin's has priority 1 (admin sorts first).
		{"admin.example.com", "/api/x", "admin"},
	} {
		if got, err := process(c.host, c.path); err != nil || got != c.want {
			t.Errorf("GET %s%s reached %q (%v), want %s", c.host, c.path, got, err, c.want)
		}
	}
	// What a rule forwards counts for its own target group, so api's
	// alarms see api's traffic.
	c := h.sb.Clients()
	var apiDim string
	for _, g := range must(c.ELB.DescribeTargetGroups(bg, &elb.DescribeTargetGroupsInput{})).TargetGroups {
		if strings.HasSuffix(aws.ToString(g.TargetGroupName), "-api") {
			apiDim = tgDim(aws.ToString(g.TargetGroupArn))
		}
	}
	lbDimV := lbDim(aws.ToString(must(c.ELB.DescribeLoadBalancers(bg, &elb.DescribeLoadBalancersInput{})).LoadBalancers[0].LoadBalancerArn))
	eventually(t, "api's RequestCount to count its requests", func() bool {
		out := must(apiOf(h.sb).CloudWatch.GetMetricData(bg, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(time.Now().Add(-time.Hour)), EndTime: aws.Time(time.Now().Add(time.Minute)),
			MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("rc"), MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCount"),
					Dimensions: []cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(lbDimV)},
						{Name: aws.String("TargetGroup"), Value: aws.String(apiDim)}}},
				Period: aws.Int32(3600), Stat: aws.String("Sum")}}},
		}))
		total := 0.0
		for _, v := range out.MetricDataResults[0].Values {
			total += v
		}
		return total >= 2 // /api/x and /api/ above, at least
	})
}
