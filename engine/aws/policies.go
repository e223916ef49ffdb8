package aws

import (
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/minimalinfra/mvi/engine/arch"
)

var placeholder = regexp.MustCompile(`\{([^{}]+)\}`)

// resolveARN turns one statement resource into an ARN: "{region}",
// "{account}" and "{partition}" come from env, any other "{id}" is the ARN of
// the live dependency id (its policy_arn attribute when set, e.g. a log
// group's "…:*" form), so "{bucket}/*" becomes the bucket's objects.
func resolveARN(env resource.Env, self, s string) (string, error) {
	var err error
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		key := m[1 : len(m)-1]
		switch key {
		case "region":
			return env.Region
		case "account":
			return env.Account
		case "partition":
			return partition(env.Region)
		}
		d, ok := env.Deps[key]
		if !ok {
			if err == nil {
				err = fmt.Errorf("%s: policy names {%s}, which is not among its live dependencies", self, key)
			}
			return m
		}
		arn := d.Attrs["policy_arn"]
		if arn == "" {
			arn = d.ARN
		}
		if arn == "" && err == nil {
			err = fmt.Errorf("%s: policy names {%s}, which has no ARN", self, key)
		}
		return arn
	})
	return out, err
}

type policyDoc struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

// inlinePolicy renders statements as an IAM policy document with every
// placeholder resolved; "" when there are no statements.
func inlinePolicy(env resource.Env, self string, stmts []arch.Statement) (string, error) {
	if len(stmts) == 0 {
		return "", nil
	}
	doc := policyDoc{Version: "2012-10-17"}
	for _, s := range stmts {
		res := make([]string, 0, len(s.Resources))
		for _, r := range s.Resources {
			arn, err := resolveARN(env, self, r)
			if err != nil {
				return "", err
			}
			res = append(res, arn)
		}
		doc.Statement = append(doc.Statement, policyStatement{Effect: "Allow", Action: s.Actions, Resource: res})
	}
	b, err := json.Marshal(doc)
	return string(b), err
}
