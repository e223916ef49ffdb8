package aws

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/arch"
)

// hashPending is the mvi:hash a resource carries between its creation and
// the last follow-up call of a multi-step create (attach, rules, settings).
// A create interrupted in between leaves the resource findable by its tags
// but with a hash no design has, so Plan sees it changed and Update, which
// re-applies every setting, finishes the job.
const hashPending = "pending"

// ---- errors ----

// errCode is the AWS error code of err ("" when err carries none).
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errMessage is the AWS error message of err.
func errMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// isCode reports whether err carries one of the AWS error codes.
func isCode(err error, codes ...string) bool {
	if err == nil {
		return false
	}
	c := errCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// wrap names the operation and the logical id, keeping the AWS error
// reachable with errors.As.
func wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", op, id, err)
}

// ---- tags ----

// sortedKeys returns m's keys in order, so every call sends tags alike.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// createTags are the tags a resource is created with; pending marks a
// multi-step create (see hashPending).
func createTags(env resource.Env, r arch.Resource, pending bool) map[string]string {
	t := resource.Tags(env.App, r)
	if pending {
		t[resource.TagHash] = hashPending
	}
	return t
}

// ours reports whether tags say the resource belongs to app and names it.
func ours(app string, tags map[string]string) bool {
	return tags[resource.TagApp] == app && tags[resource.TagID] != ""
}

// newLive fills the common fields from tags.
func newLive(typ, physical string, tags map[string]string) resource.Live {
	return resource.Live{ID: tags[resource.TagID], Type: typ, PhysicalID: physical, Hash: tags[resource.TagHash], Attrs: map[string]string{}}
}

// record tags store "id@hash" for resources that take no tags of their own
// (KMS aliases, EFS mount targets, cluster capacity associations): the
// resource that owns them carries the record.
func recordValue(id, hash string) string { return id + "@" + hash }

func parseRecord(v string) (id, hash string, ok bool) {
	i := strings.LastIndex(v, "@")
	if i <= 0 {
		return "", "", false
	}
	return v[:i], v[i+1:], true
}

// clientToken is an idempotency token for one design of one resource:
// a retried create sends the same one, a changed design another.
func clientToken(env resource.Env, r arch.Resource, extra ...string) string {
	return "mvi-" + shortHash(strings.Join(append([]string{env.App, r.ID, arch.Hash(r.Props)}, extra...), "/")) +
		shortHash(strings.Join(append([]string{arch.Hash(r.Props), r.ID, env.App}, extra...), "|"))
}

// ---- names ----

// shortHash is 8 hex digits of sha256(s): deterministic name shortening.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// clean lowercases s and turns every character outside [a-z0-9-] into '-'.
func clean(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// fit shortens name to max characters deterministically: the head is kept
// (so the "mvi-<app>-" prefix survives where max allows) and the tail is
// replaced by a hash of the whole name.
func fit(name string, max int) string {
	if len(name) <= max {
		return name
	}
	h := shortHash(name)
	head := strings.TrimRight(name[:max-len(h)-1], "-")
	return head + "-" + h
}

// physName is arch.PhysicalName in the [a-z0-9-] charset, fitted to max.
func physName(app, id string, max int) string {
	return fit(clean(arch.PhysicalName(app, id)), max)
}

// appPrefix is how every physName of app begins (for services whose
// limits keep at least 46 characters).
func appPrefix(app string) string { return clean("mvi-"+app) + "-" }

// rdsName fits RDS identifiers: letters, digits and single hyphens, starting
// with a letter, not ending with a hyphen, at most 63 characters.
func rdsName(app, id string) string {
	n := clean(arch.PhysicalName(app, id))
	for strings.Contains(n, "--") {
		n = strings.ReplaceAll(n, "--", "-")
	}
	n = strings.Trim(fit(n, 63), "-")
	for strings.Contains(n, "--") {
		n = strings.ReplaceAll(n, "--", "-")
	}
	return n
}

// elbName fits load balancer and target group names: 32 characters,
// letters, digits and hyphens, not beginning or ending with a hyphen.
func elbName(app, id string) string {
	return strings.Trim(physName(app, id, 32), "-")
}

// bucketName is the app's bucket: mvi-<app>-<account>-<region>, at most 63
// characters (bucket names are global, so account and region are in it).
func bucketName(app, account, region string) string {
	return strings.Trim(fit(clean("mvi-"+app+"-"+account+"-"+region), 63), "-")
}

// dashboardName is the app's dashboard.
func dashboardName(app string) string { return "mvi-" + app }

// partition is the ARN partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// ---- references ----

// dep returns the live dependency id, or an error naming what is missing.
func dep(env resource.Env, self, id string) (resource.Live, error) {
	if id == "" {
		return resource.Live{}, fmt.Errorf("%s: a reference is empty", self)
	}
	d, ok := env.Deps[id]
	if !ok {
		return resource.Live{}, fmt.Errorf("%s: needs %s, which is not among its live dependencies", self, id)
	}
	return d, nil
}

// depAttr returns one attribute of a live dependency.
func depAttr(env resource.Env, self, id, attr string) (string, error) {
	d, err := dep(env, self, id)
	if err != nil {
		return "", err
	}
	v := d.Attrs[attr]
	if v == "" {
		return "", fmt.Errorf("%s: dependency %s has no %s", self, id, attr)
	}
	return v, nil
}

// depAttrVia finds an attribute of dependency id or, when the design names
// a resource it does not list in DependsOn, the attribute viaAttr of a
// listed dependency of type via that carries it (e.g. the cluster name on
// the cluster capacity association).
func depAttrVia(env resource.Env, self, id, attr, via, viaAttr string) (string, error) {
	if d, ok := env.Deps[id]; ok && d.Attrs[attr] != "" {
		return d.Attrs[attr], nil
	}
	ids := sortedDeps(env)
	for _, k := range ids {
		d := env.Deps[k]
		if d.Type == via && d.Attrs[viaAttr] != "" {
			return d.Attrs[viaAttr], nil
		}
	}
	return "", fmt.Errorf("%s: needs %s (or a %s dependency), which is not among its live dependencies", self, id, via)
}

func sortedDeps(env resource.Env) []string {
	ids := make([]string, 0, len(env.Deps))
	for k := range env.Deps {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return ids
}

// ---- IAM policies ----

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

// ---- secrets ----

// passwordChars are safe in an RDS master password (no / @ " or space) and
// in a URL without escaping.
const passwordChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"

// passwordLength gives ~193 bits and fits MySQL's 41 and Postgres's 128.
const passwordLength = 32

// newPassword returns a uniformly random password from crypto/rand.
func newPassword() (string, error) {
	b := make([]byte, passwordLength)
	max := big.NewInt(int64(len(passwordChars)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		b[i] = passwordChars[n.Int64()]
	}
	return string(b), nil
}

// ---- small helpers ----

func itoa(n int) string { return fmt.Sprint(n) }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }

// propsOf returns r's props as the struct its type designs.
func propsOf[T arch.Props](op string, r arch.Resource) (T, error) {
	p, ok := r.Props.(T)
	if !ok {
		var want T
		return want, fmt.Errorf("%s %s: props are %T, want %T", op, r.ID, r.Props, want)
	}
	return p, nil
}

// notFound is a local "it is gone" error with AWS's error shape, so callers
// read it like the cloud's own.
type notFound struct{ what string }

func (e *notFound) Error() string                 { return e.what + " not found" }
func (e *notFound) ErrorCode() string             { return "NotFound" }
func (e *notFound) ErrorMessage() string          { return e.Error() }
func (e *notFound) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

// forces names a setting that differs from what a live resource was made
// with and that AWS fixes at creation: the plan's reason to replace it.
// An unknown old value (an older mvi didn't record it) forces nothing.
func forces(what, old, want, why string) string {
	if old == "" || old == want {
		return ""
	}
	return fmt.Sprintf("its %s changes %s → %s, and %s", what, old, want, why)
}
