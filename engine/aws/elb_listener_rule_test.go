package aws

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/cloud"
	"github.com/minimalinfra/mvi/engine/resource"
)

// rulesELB records SetRulePriorities; every other call panics (nil).
type rulesELB struct {
	cloud.ELB
	set []elbtypes.RulePriorityPair
}

func (f *rulesELB) SetRulePriorities(_ context.Context, in *elb.SetRulePrioritiesInput, _ ...func(*elb.Options)) (*elb.SetRulePrioritiesOutput, error) {
	f.set = append(f.set, in.RulePriorities...)
	return &elb.SetRulePrioritiesOutput{}, nil
}

// A rule taking a number moves the app's own holder above every rule,
// and never renumbers a rule someone else made.
func TestMakeRoom(t *testing.T) {
	rules := []elbtypes.Rule{
		{RuleArn: aws.String("arn:r1"), Priority: aws.String("1")},
		{RuleArn: aws.String("arn:r7"), Priority: aws.String("7")},
	}
	tags := map[string]map[string]string{
		"arn:r1": {resource.TagApp: "shop", resource.TagID: arch.ListenerRuleID("api")},
		"arn:r7": {resource.TagApp: "other"},
	}
	f := &rulesELB{}
	env := resource.Env{App: "shop", Clients: &cloud.Clients{ELB: f}}
	if err := makeRoom(context.Background(), env, "listener-rule/admin", 1, "", rules, tags); err != nil {
		t.Fatal(err)
	}
	if len(f.set) != 1 || aws.ToString(f.set[0].RuleArn) != "arn:r1" || aws.ToInt32(f.set[0].Priority) != 8 {
		t.Errorf("moved %+v, want arn:r1 to 8", f.set)
	}
	f.set = nil
	if err := makeRoom(context.Background(), env, "listener-rule/api", 1, "arn:r1", rules, tags); err != nil || len(f.set) != 0 {
		t.Errorf("a rule holding its own number moved something: %+v, %v", f.set, err)
	}
	err := makeRoom(context.Background(), env, "listener-rule/admin", 7, "", rules, tags)
	if err == nil || !strings.Contains(err.Error(), "set-rule-priorities") || len(f.set) != 0 {
		t.Errorf("a foreign rule's number: %v, moved %+v", err, f.set)
	}
	if err := makeRoom(context.Background(), env, "listener-rule/admin", 2, "", rules, tags); err != nil || len(f.set) != 0 {
		t.Errorf("a free number moved something: %+v, %v", f.set, err)
	}
}

// Conditions go out in the *Config form and read back from either.
func TestRuleConditionsRoundTrip(t *testing.T) {
	p := arch.ListenerRuleProps{Path: "/api/*", Host: "api.example.com"}
	path, host := ruleConditions(ruleConditionsOf(p))
	if path != p.Path || host != p.Host {
		t.Errorf("round trip: %q %q", path, host)
	}
	legacy := []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/v1/*"}}}
	if path, host := ruleConditions(legacy); path != "/v1/*" || host != "" {
		t.Errorf("Values form: %q %q", path, host)
	}
	if cs := ruleConditionsOf(arch.ListenerRuleProps{Path: "/x"}); len(cs) != 1 || aws.ToString(cs[0].Field) != "path-pattern" {
		t.Errorf("path only: %+v", cs)
	}
}
