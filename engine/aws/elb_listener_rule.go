package aws

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/arch"
)

// A listener rule sends a routed process its requests. Its priority is
// unique on the listener, so a rule that wants a number another of the
// app's rules still holds (the design renumbered them: a process was added
// or removed) first moves that one aside to a free number; the other's own
// update then gives it the number it wants. The design orders the rules
// one after another, so two never move at once.

type listenerRuleHandler struct{}

// maxRulePriority is the highest priority ALB accepts.
const maxRulePriority = 50000

func (listenerRuleHandler) Describe() resource.Descriptor {
	// Rank 2 with the listener, before the target groups (3): AWS refuses
	// DeleteTargetGroup with ResourceInUse while a rule forwards to it.
	return resource.Descriptor{Type: arch.TypeListenerRule, Service: arch.LoadBalancer, DeleteRank: 2,
		ARNKinds: []string{"elasticloadbalancing:listener-rule"},
		Console:  func(s resource.Site) string { return console(s, "ec2/home?region="+s.Region+"#LoadBalancers:") },
		Lookup: func(s resource.Site) string {
			return "aws elbv2 describe-rules --rule-arns " + s.ARNOr() + " " + regionFlag(s)
		},
	}
}

func ruleLive(typ, listener string, r elbtypes.Rule, tags map[string]string) resource.Live {
	l := newLive(typ, str(r.RuleArn), tags)
	l.ARN = l.PhysicalID
	l.State = "available"
	l.Attrs["arn"] = l.ARN
	l.Attrs["listener_arn"] = listener
	l.Attrs["priority"] = str(r.Priority)
	path, host := ruleConditions(r.Conditions)
	l.Attrs["path_pattern"], l.Attrs["host_header"] = path, host
	for _, a := range r.Actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if tg := str(a.TargetGroupArn); tg != "" {
			l.Attrs["target_group_arn"] = tg
		} else if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			l.Attrs["target_group_arn"] = str(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
		}
	}
	return l
}

// ruleConditions reads a rule's path and host back, in either of the forms
// AWS answers with (Values, or the newer *Config).
func ruleConditions(cs []elbtypes.RuleCondition) (path, host string) {
	first := func(a, b []string) string {
		if len(b) > 0 {
			return b[0]
		}
		if len(a) > 0 {
			return a[0]
		}
		return ""
	}
	for _, c := range cs {
		switch str(c.Field) {
		case "path-pattern":
			var vs []string
			if c.PathPatternConfig != nil {
				vs = c.PathPatternConfig.Values
			}
			path = first(c.Values, vs)
		case "host-header":
			var vs []string
			if c.HostHeaderConfig != nil {
				vs = c.HostHeaderConfig.Values
			}
			host = first(c.Values, vs)
		}
	}
	return path, host
}

func ruleConditionsOf(p arch.ListenerRuleProps) []elbtypes.RuleCondition {
	var out []elbtypes.RuleCondition
	if p.Host != "" {
		out = append(out, elbtypes.RuleCondition{Field: aws.String("host-header"),
			HostHeaderConfig: &elbtypes.HostHeaderConditionConfig{Values: []string{p.Host}}})
	}
	if p.Path != "" {
		out = append(out, elbtypes.RuleCondition{Field: aws.String("path-pattern"),
			PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{p.Path}}})
	}
	return out
}

// listenerRules reads every rule but the default one of a listener, with
// its tags.
func listenerRules(ctx context.Context, env resource.Env, listener string) ([]elbtypes.Rule, map[string]map[string]string, error) {
	var rules []elbtypes.Rule
	var arns []string
	in := &elb.DescribeRulesInput{ListenerArn: aws.String(listener)}
	for {
		page, err := env.Clients.ELB.DescribeRules(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range page.Rules {
			if r.IsDefault != nil && *r.IsDefault {
				continue // the listener's default action, managed with the listener
			}
			rules = append(rules, r)
			arns = append(arns, str(r.RuleArn))
		}
		if page.NextMarker == nil || *page.NextMarker == "" {
			break
		}
		in.Marker = page.NextMarker
	}
	tags, err := elbTagsOf(ctx, env, arns)
	if err != nil {
		return nil, nil, err
	}
	return rules, tags, nil
}

func (h listenerRuleHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	lbs, _, err := appLoadBalancers(ctx, env)
	if err != nil {
		return nil, wrap("list", "load balancers", err)
	}
	var out []resource.Live
	for _, lb := range lbs {
		p := elb.NewDescribeListenersPaginator(env.Clients.ELB, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if isCode(err, "LoadBalancerNotFound") {
				break
			}
			if err != nil {
				return nil, wrap("list", "listeners", err)
			}
			for _, ls := range page.Listeners {
				rules, tags, err := listenerRules(ctx, env, str(ls.ListenerArn))
				if isCode(err, "ListenerNotFound") {
					continue
				}
				if err != nil {
					return nil, wrap("list", "listener rules", err)
				}
				for _, r := range rules {
					if t := tags[str(r.RuleArn)]; ours(env.App, t) {
						out = append(out, ruleLive(h.Describe().Type, str(ls.ListenerArn), r, t))
					}
				}
			}
		}
	}
	return out, nil
}

type ruleRefs struct{ listener, tg string }

func ruleDeps(env resource.Env, r arch.Resource, p arch.ListenerRuleProps) (ruleRefs, error) {
	var s ruleRefs
	var err error
	if s.listener, err = depAttr(env, r.ID, p.Listener, "arn"); err != nil {
		return s, err
	}
	if s.tg, err = depAttr(env, r.ID, p.TargetGroup, "arn"); err != nil {
		return s, err
	}
	return s, nil
}

func (h listenerRuleHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.ListenerRuleProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	refs, err := ruleDeps(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	for try := 0; ; try++ {
		rules, tags, err := listenerRules(ctx, env, refs.listener)
		if err != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		// A retried create finds the rule it made and converges it.
		for _, x := range rules {
			if t := tags[str(x.RuleArn)]; t[resource.TagApp] == env.App && t[resource.TagID] == r.ID {
				return h.Update(ctx, env, r, ruleLive(h.Describe().Type, refs.listener, x, t))
			}
		}
		if err := makeRoom(ctx, env, r.ID, p.Priority, "", rules, tags); err != nil {
			return resource.Live{}, err
		}
		res, err := env.Clients.ELB.CreateRule(ctx, &elb.CreateRuleInput{
			ListenerArn: aws.String(refs.listener), Priority: aws.Int32(int32(p.Priority)),
			Conditions: ruleConditionsOf(p), Actions: forward(refs.tg), Tags: elbTags(resource.Tags(env.App, r)),
		})
		if isCode(err, "PriorityInUse") && try < 2 {
			continue // taken since we looked: look again
		}
		if err != nil {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		if len(res.Rules) == 0 {
			return resource.Live{}, fmt.Errorf("create %s: no rule returned", r.ID)
		}
		return ruleLive(h.Describe().Type, refs.listener, res.Rules[0], resource.Tags(env.App, r)), nil
	}
}

// makeRoom frees priority want on the listener for the rule self (its ARN,
// "" when not made yet). One of the app's own rules holding it is moved to
// the first free number above every rule; anyone else's is an error, as
// mvi must not renumber what it didn't make.
func makeRoom(ctx context.Context, env resource.Env, id string, want int, self string, rules []elbtypes.Rule, tags map[string]map[string]string) error {
	held := map[int]bool{}
	var holder *elbtypes.Rule
	for i, x := range rules {
		n, _ := strconv.Atoi(str(x.Priority))
		held[n] = true
		if n == want && str(x.RuleArn) != self {
			holder = &rules[i]
		}
	}
	if holder == nil {
		return nil
	}
	t := tags[str(holder.RuleArn)]
	if t[resource.TagApp] != env.App {
		return fmt.Errorf("%s: priority %d of the app's listener is held by a rule mvi didn't make (%s): delete or renumber that rule with aws elbv2 set-rule-priorities, then run up again", id, want, str(holder.RuleArn))
	}
	nums := make([]int, 0, len(held))
	for n := range held {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	free := nums[len(nums)-1] + 1
	if free > maxRulePriority {
		return fmt.Errorf("%s: the listener's rules use every priority up to %d, so %s can't be moved aside", id, maxRulePriority, t[resource.TagID])
	}
	_, err := env.Clients.ELB.SetRulePriorities(ctx, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
		{RuleArn: holder.RuleArn, Priority: aws.Int32(int32(free))},
	}})
	return wrap("move aside "+t[resource.TagID]+" for", id, err)
}

func (h listenerRuleHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.ListenerRuleProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	refs, err := ruleDeps(env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	if a := live.Attrs["listener_arn"]; a != "" && a != refs.listener {
		return resource.Live{}, resource.ErrReplace
	}
	res, err := env.Clients.ELB.ModifyRule(ctx, &elb.ModifyRuleInput{
		RuleArn: aws.String(live.PhysicalID), Conditions: ruleConditionsOf(p), Actions: forward(refs.tg),
	})
	if isCode(err, "RuleNotFound") {
		return h.Create(ctx, env, r) // went with its listener, which was remade
	}
	if err != nil {
		return resource.Live{}, wrap("update", r.ID, err)
	}
	if len(res.Rules) > 0 {
		live = ruleLive(h.Describe().Type, refs.listener, res.Rules[0], resource.Tags(env.App, r))
	}
	if live.Attrs["priority"] != strconv.Itoa(p.Priority) {
		for try := 0; ; try++ {
			rules, tags, err := listenerRules(ctx, env, refs.listener)
			if err != nil {
				return resource.Live{}, wrap("update", r.ID, err)
			}
			if err := makeRoom(ctx, env, r.ID, p.Priority, live.PhysicalID, rules, tags); err != nil {
				return resource.Live{}, err
			}
			_, err = env.Clients.ELB.SetRulePriorities(ctx, &elb.SetRulePrioritiesInput{RulePriorities: []elbtypes.RulePriorityPair{
				{RuleArn: aws.String(live.PhysicalID), Priority: aws.Int32(int32(p.Priority))},
			}})
			if isCode(err, "PriorityInUse") && try < 2 {
				continue
			}
			if err != nil {
				return resource.Live{}, wrap("renumber", r.ID, err)
			}
			break
		}
		live.Attrs["priority"] = strconv.Itoa(p.Priority)
	}
	hash, err := elbAddTags(ctx, env, r, live.PhysicalID)
	if err != nil {
		return resource.Live{}, err
	}
	live.ID, live.Hash = r.ID, hash
	live.Attrs["listener_arn"], live.Attrs["target_group_arn"] = refs.listener, refs.tg
	return live, nil
}

func (h listenerRuleHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.ELB.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: aws.String(live.PhysicalID)})
	if isCode(err, "RuleNotFound") {
		return nil // deleting its listener deleted it too
	}
	return wrap("delete", live.ID, err)
}

func (h listenerRuleHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	_, err := env.Clients.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{live.PhysicalID}})
	if isCode(err, "RuleNotFound") {
		return false, "waiting for listener rule (not found)", nil
	}
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	return true, "", nil
}
