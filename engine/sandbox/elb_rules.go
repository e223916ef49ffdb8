package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Listener rules, as ALB has them: each listener has a default rule (its
// default actions, priority "default", not deletable) and up to 100 more,
// each with a priority unique on the listener (1–50000, lowest tried
// first), path-pattern and host-header conditions (at most one of each,
// five values in all) and actions checked as the listener's are. A rule
// forwarding to a target group keeps the group in use: DeleteTargetGroup
// answers ResourceInUse until the rule is gone. Deleting a listener
// deletes its rules. The data plane routes by them (ruleMatches).

type lbRule struct {
	Meta
	Listener   string                   `json:"listener"`
	Priority   int32                    `json:"priority"`
	Conditions []elbtypes.RuleCondition `json:"conditions"`
	Actions    []elbtypes.Action        `json:"actions"`
}

const (
	elbTypeRule        = "listener-rule"
	maxRulePriority    = 50000
	maxRulesPerLst     = 100
	maxConditionValues = 5
	maxPatternLen      = 128
)

// ruleARN is a rule's ARN: its listener's, under listener-rule/, and the
// rule's id.
func ruleARN(listenerARN, id string) string {
	return strings.Replace(listenerARN, ":"+resourcePath(elbTypeListener, ""), ":"+resourcePath(elbTypeRule, ""), 1) + "/" + id
}

// defaultRuleARN is the fixed ARN of a listener's default rule.
func defaultRuleARN(listenerARN string) string {
	h := sha256.Sum256([]byte(listenerARN))
	return ruleARN(listenerARN, hex.EncodeToString(h[:8]))
}

func ruleNotFound() error {
	return &elbtypes.RuleNotFoundException{Message: aws.String("One or more rules not found")}
}

func listenerNotFound() error {
	return &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
}

func priorityInUse(p int32) error {
	return &elbtypes.PriorityInUseException{Message: aws.String(fmt.Sprintf("Priority '%d' is currently in use", p))}
}

func (t *tx) lbRuleOut(r *lbRule) elbtypes.Rule {
	return elbtypes.Rule{RuleArn: aws.String(r.ARN), Priority: aws.String(strconv.Itoa(int(r.Priority))),
		Conditions: clone(r.Conditions), Actions: clone(r.Actions), IsDefault: aws.Bool(false)}
}

func (t *tx) defaultRuleOut(l *listener) elbtypes.Rule {
	return elbtypes.Rule{RuleArn: aws.String(defaultRuleARN(l.ARN)), Priority: aws.String("default"),
		Conditions: []elbtypes.RuleCondition{}, Actions: clone(l.Actions), IsDefault: aws.Bool(true)}
}

// listenerRules are a listener's rules, by priority.
func (t *tx) listenerRules(listenerARN string) []*lbRule {
	var out []*lbRule
	for _, r := range t.r.ELB.Rules {
		if r.Listener == listenerARN {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out
}

// dropRules deletes a listener's rules, as deleting the listener does.
func (t *tx) dropRules(listenerARN string) {
	for _, k := range sortedKeys(t.r.ELB.Rules) {
		if t.r.ELB.Rules[k].Listener == listenerARN {
			delete(t.r.ELB.Rules, k)
		}
	}
}

func checkPriority(p int32) error {
	if p < 1 || p > maxRulePriority {
		return validationError("1 validation error detected: Value '%d' at 'priority' failed to satisfy constraint: Member must have value between 1 and %d", p, maxRulePriority)
	}
	return nil
}

// conditionValues are the values of a path-pattern or host-header
// condition, in whichever form it was given.
func conditionValues(c elbtypes.RuleCondition) []string {
	vs := append([]string(nil), c.Values...)
	switch aws.ToString(c.Field) {
	case "path-pattern":
		if c.PathPatternConfig != nil {
			vs = append(vs, c.PathPatternConfig.Values...)
		}
	case "host-header":
		if c.HostHeaderConfig != nil {
			vs = append(vs, c.HostHeaderConfig.Values...)
		}
	}
	return vs
}

// checkConditions validates conditions as ALB does for the fields the
// sandbox routes by; the others it says plainly it can't.
func checkConditions(cs []elbtypes.RuleCondition) error {
	if len(cs) == 0 {
		return validationError("A rule must have at least one condition")
	}
	seen := map[string]bool{}
	total := 0
	for _, c := range cs {
		f := aws.ToString(c.Field)
		switch f {
		case "path-pattern", "host-header":
		case "http-header", "http-request-method", "query-string", "source-ip":
			return &elbtypes.InvalidConfigurationRequestException{Message: aws.String("Condition field '" + f + "' is not supported by the sandbox")}
		default:
			return validationError("Condition field '%s' must be one of '[http-header, http-request-method, host-header, path-pattern, query-string, source-ip]'", f)
		}
		if seen[f] {
			return validationError("A rule can only have one '%s' condition", f)
		}
		seen[f] = true
		if len(c.Values) > 0 && (c.PathPatternConfig != nil || c.HostHeaderConfig != nil) {
			return validationError("You cannot specify both 'Values' and '%s' for condition field '%s'", map[string]string{"path-pattern": "PathPatternConfig", "host-header": "HostHeaderConfig"}[f], f)
		}
		vs := conditionValues(c)
		if len(vs) == 0 {
			return validationError("A condition value must be specified for condition field '%s'", f)
		}
		total += len(vs)
		for _, v := range vs {
			if err := checkConditionValue(f, v); err != nil {
				return err
			}
		}
	}
	if total > maxConditionValues {
		// The API has no exception of its own for this quota: it is a
		// ValidationError.
		return validationError("A rule can only have '%d' condition values", maxConditionValues)
	}
	return nil
}

// The characters ALB allows: a path pattern A–Z a–z 0–9 _ - . $ / ~ " ' @
// : + & and the wildcards * ?; a host A–Z a–z 0–9 - . * ?, with at least
// one dot and only letters after the last.
func checkConditionValue(field, v string) error {
	if v == "" || len(v) > maxPatternLen {
		return validationError("Condition value '%s' must be between 1 and %d characters", v, maxPatternLen)
	}
	allowed := `_-.$/~"'@:+&*?`
	if field == "host-header" {
		allowed = "-.*?"
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(allowed, c)) {
			return validationError("Condition value '%s' contains a character that is not valid", v)
		}
	}
	if field == "host-header" {
		i := strings.LastIndexByte(v, '.')
		tld := v[i+1:]
		if i < 0 || tld == "" || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return validationError("Condition value '%s' must contain a '.' followed only by letters", v)
		}
	}
	return nil
}

func (t *tx) ruleListener(listenerARN string) (*listener, *loadBalancer, error) {
	l := t.r.ELB.Listeners[listenerARN]
	if l == nil || t.hidden(l.Created) {
		return nil, nil, listenerNotFound()
	}
	return l, t.r.ELB.LoadBalancers[l.LB], nil
}

func (a *elbAPI) CreateRule(ctx context.Context, in *elb.CreateRuleInput, _ ...func(*elb.Options)) (*elb.CreateRuleOutput, error) {
	return call(ctx, a.s, svcELB, "CreateRule", func(t *tx) (*elb.CreateRuleOutput, error) {
		l, lb, err := t.ruleListener(aws.ToString(in.ListenerArn))
		if err != nil {
			return nil, err
		}
		p := aws.ToInt32(in.Priority)
		if err := checkPriority(p); err != nil {
			return nil, err
		}
		if err := checkConditions(in.Conditions); err != nil {
			return nil, err
		}
		if len(in.Actions) == 0 {
			return nil, validationError("An action must be specified")
		}
		if err := t.checkActions(lb, in.Actions, l.ARN); err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		rules := t.listenerRules(l.ARN)
		for _, r := range rules {
			if r.Priority == p {
				return nil, priorityInUse(p)
			}
		}
		if len(rules) >= maxRulesPerLst {
			return nil, &elbtypes.TooManyRulesException{Message: aws.String("The maximum number of rules per load balancer has been reached")}
		}
		r := &lbRule{Meta: Meta{ID: hexID(16), Created: t.now}, Listener: l.ARN, Priority: p,
			Conditions: clone(in.Conditions), Actions: clone(in.Actions)}
		r.ARN = ruleARN(l.ARN, r.ID)
		if len(tags) > 0 {
			r.Tags = tags
		}
		for i := range r.Actions {
			if r.Actions[i].Order == nil {
				r.Actions[i].Order = aws.Int32(int32(i + 1))
			}
		}
		t.r.ELB.Rules[r.ARN] = r
		return &elb.CreateRuleOutput{Rules: []elbtypes.Rule{t.lbRuleOut(r)}}, nil
	})
}

func (a *elbAPI) DescribeRules(ctx context.Context, in *elb.DescribeRulesInput, _ ...func(*elb.Options)) (*elb.DescribeRulesOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeRules", func(t *tx) (*elb.DescribeRulesOutput, error) {
		var out []elbtypes.Rule
		switch {
		case len(in.RuleArns) > 0 && in.ListenerArn != nil:
			return nil, validationError("Listener ARN and rule ARNs cannot be specified at the same time")
		case len(in.RuleArns) > 0:
			for _, a := range in.RuleArns {
				if r := t.r.ELB.Rules[a]; r != nil && !t.hidden(r.Created) {
					out = append(out, t.lbRuleOut(r))
					continue
				}
				found := false
				for _, l := range t.r.ELB.Listeners {
					if defaultRuleARN(l.ARN) == a {
						out, found = append(out, t.defaultRuleOut(l)), true
					}
				}
				if !found {
					return nil, ruleNotFound()
				}
			}
		case in.ListenerArn != nil:
			l, _, err := t.ruleListener(*in.ListenerArn)
			if err != nil {
				return nil, err
			}
			for _, r := range t.listenerRules(l.ARN) {
				if !t.hidden(r.Created) {
					out = append(out, t.lbRuleOut(r))
				}
			}
			out = append(out, t.defaultRuleOut(l))
		default:
			return nil, validationError("You must specify either listener ARN or rule ARNs")
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeRulesOutput{Rules: items, NextMarker: next}, nil
	})
}

func (a *elbAPI) ModifyRule(ctx context.Context, in *elb.ModifyRuleInput, _ ...func(*elb.Options)) (*elb.ModifyRuleOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyRule", func(t *tx) (*elb.ModifyRuleOutput, error) {
		r := t.r.ELB.Rules[aws.ToString(in.RuleArn)]
		if r == nil {
			for _, l := range t.r.ELB.Listeners {
				// A default rule's actions are the listener's: AWS
				// changes them only through ModifyListener.
				if defaultRuleARN(l.ARN) == aws.ToString(in.RuleArn) {
					return nil, &elbtypes.OperationNotPermittedException{Message: aws.String("Default rule '" + aws.ToString(in.RuleArn) + "' cannot be modified; use ModifyListener")}
				}
			}
			return nil, ruleNotFound()
		}
		if in.Conditions != nil {
			if err := checkConditions(in.Conditions); err != nil {
				return nil, err
			}
		}
		if in.Actions != nil {
			l := t.r.ELB.Listeners[r.Listener]
			if err := t.checkActions(t.r.ELB.LoadBalancers[l.LB], in.Actions, l.ARN); err != nil {
				return nil, err
			}
		}
		if in.Conditions != nil {
			r.Conditions = clone(in.Conditions)
		}
		if in.Actions != nil {
			r.Actions = clone(in.Actions)
		}
		return &elb.ModifyRuleOutput{Rules: []elbtypes.Rule{t.lbRuleOut(r)}}, nil
	})
}

func (a *elbAPI) DeleteRule(ctx context.Context, in *elb.DeleteRuleInput, _ ...func(*elb.Options)) (*elb.DeleteRuleOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteRule", func(t *tx) (*elb.DeleteRuleOutput, error) {
		arn := aws.ToString(in.RuleArn)
		if t.r.ELB.Rules[arn] == nil {
			for _, l := range t.r.ELB.Listeners {
				if defaultRuleARN(l.ARN) == arn {
					return nil, &elbtypes.OperationNotPermittedException{Message: aws.String("Default rule '" + arn + "' cannot be deleted")}
				}
			}
			return nil, ruleNotFound()
		}
		delete(t.r.ELB.Rules, arn)
		return &elb.DeleteRuleOutput{}, nil
	})
}

// SetRulePriorities renumbers all the rules it names at once, so two can
// swap numbers in one call; a number another rule keeps is PriorityInUse.
func (a *elbAPI) SetRulePriorities(ctx context.Context, in *elb.SetRulePrioritiesInput, _ ...func(*elb.Options)) (*elb.SetRulePrioritiesOutput, error) {
	return call(ctx, a.s, svcELB, "SetRulePriorities", func(t *tx) (*elb.SetRulePrioritiesOutput, error) {
		if len(in.RulePriorities) == 0 {
			return nil, validationError("1 validation error detected: Value null at 'rulePriorities' failed to satisfy constraint: Member must not be null")
		}
		moving := map[string]int32{}
		var listenerARN string
		for _, rp := range in.RulePriorities {
			arn := aws.ToString(rp.RuleArn)
			r := t.r.ELB.Rules[arn]
			if r == nil {
				for _, l := range t.r.ELB.Listeners {
					if defaultRuleARN(l.ARN) == arn {
						return nil, &elbtypes.OperationNotPermittedException{Message: aws.String("Default rule '" + arn + "' priority cannot be modified")}
					}
				}
				return nil, ruleNotFound()
			}
			p := aws.ToInt32(rp.Priority)
			if err := checkPriority(p); err != nil {
				return nil, err
			}
			if listenerARN != "" && r.Listener != listenerARN {
				return nil, validationError("Rules must all belong to the same listener")
			}
			listenerARN = r.Listener
			if _, dup := moving[arn]; dup {
				return nil, validationError("Rule '%s' is specified more than once", arn)
			}
			moving[arn] = p
		}
		taken := map[int32]string{}
		for _, r := range t.listenerRules(listenerARN) {
			p := r.Priority
			if np, ok := moving[r.ARN]; ok {
				p = np
			}
			if other, ok := taken[p]; ok && other != r.ARN {
				return nil, priorityInUse(p)
			}
			taken[p] = r.ARN
		}
		var out []elbtypes.Rule
		for _, rp := range in.RulePriorities {
			r := t.r.ELB.Rules[aws.ToString(rp.RuleArn)]
			r.Priority = aws.ToInt32(rp.Priority)
			out = append(out, t.lbRuleOut(r))
		}
		return &elb.SetRulePrioritiesOutput{Rules: out}, nil
	})
}

// ruleMatches reports whether a request for host and path meets every
// condition of a rule: a path pattern is case-sensitive and matched
// against the path alone (no query string); a host is matched without
// case and without its port.
func ruleMatches(cs []elbtypes.RuleCondition, host, path string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, c := range cs {
		vs := conditionValues(c)
		ok := false
		for _, v := range vs {
			switch aws.ToString(c.Field) {
			case "path-pattern":
				ok = ok || albMatch(v, path)
			case "host-header":
				ok = ok || albMatch(strings.ToLower(v), strings.ToLower(host))
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// albMatch matches s against an ALB pattern (ECR's wildcardMatch knows no ?): * is any run of
// characters (none too), ? exactly one.
func albMatch(pat, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && (pat[p] == '?' || pat[p] == s[i]):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}
