package aws

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
)

func TestHandlersCoverEveryDesignedType(t *testing.T) {
	hs := Handlers()
	for typ, h := range hs {
		if h.Describe().Type != typ {
			t.Errorf("Handlers()[%q].Type() = %q", typ, h.Describe().Type)
		}
	}
	manifests := []*manifest.Manifest{
		{Name: "hello", Processes: map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}},
			Metric: &manifest.Metric{Notify: []string{"ops@example.com"}}},
		{Name: "worker", Processes: map[string]*manifest.Process{"worker": {Image: "busybox"}}},
		{
			Name: "shop", Region: "eu-west-1",
			Processes: map[string]*manifest.Process{
				"web": {Build: ".", Port: 3000}, "api": {Image: "api", Port: 8080, Path: "/api/*"}, "worker": {Build: "."},
			},
			Database: &manifest.Database{Engine: "mysql"}, FS: &manifest.FS{}, KV: &manifest.KV{}, Blob: &manifest.Blob{},
			Secrets: []string{"A", "B"},
		},
		{Name: "cache", Processes: map[string]*manifest.Process{"web": {Image: "httpd", Port: 80}}, KV: &manifest.KV{Engine: manifest.KVRedis}},
	}
	seen := map[string]bool{}
	for _, m := range manifests {
		a, err := arch.Design(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range a.Resources {
			seen[r.Type] = true
			if hs[r.Type] == nil {
				t.Errorf("%s: no handler for %s", r.ID, r.Type)
			}
		}
	}
	for typ := range hs {
		if !seen[typ] {
			t.Errorf("handler for %s, which no design emits", typ)
		}
	}
}

func TestNamesFitServiceLimits(t *testing.T) {
	longApp := strings.Repeat("a", 32)
	ids := []string{"lb", "target-group/web", "target-group/" + strings.Repeat("p", 40), "database", "role/execution", "cluster"}
	for _, app := range []string{"shop", longApp, "my-app-2"} {
		for _, id := range ids {
			e := elbName(app, id)
			if len(e) > 32 || strings.HasPrefix(e, "-") || strings.HasSuffix(e, "-") || !strings.HasPrefix(e, "mvi-") {
				t.Errorf("elbName(%q, %q) = %q", app, id, e)
			}
			if e != elbName(app, id) {
				t.Errorf("elbName is not deterministic")
			}
			r := rdsName(app, id)
			if len(r) > 63 || strings.Contains(r, "--") || strings.HasSuffix(r, "-") || r[0] < 'a' || r[0] > 'z' {
				t.Errorf("rdsName(%q, %q) = %q", app, id, r)
			}
			if n := physName(app, id, 64); len(n) > 64 || !strings.HasPrefix(n, appPrefix(app)) {
				t.Errorf("physName(%q, %q, 64) = %q: too long or lost the app prefix %q", app, id, n, appPrefix(app))
			}
		}
	}
	// Short names stay readable; long ones differ by their hash.
	if got := elbName("shop", "target-group/web"); got != "mvi-shop-target-group-web" {
		t.Errorf("elbName(shop, target-group/web) = %q", got)
	}
	a, b := elbName(longApp, "target-group/web"), elbName(longApp, "target-group/api")
	if a == b {
		t.Errorf("shortened names collide: %q", a)
	}
	if got := physName("shop", "role/execution", 64); got != "mvi-shop-role-execution" {
		t.Errorf("physName = %q", got)
	}
	for _, region := range []string{"us-east-1", "ap-southeast-2", "us-gov-west-1"} {
		n := bucketName(longApp, "123456789012", region)
		if len(n) > 63 || n != strings.ToLower(n) || strings.HasSuffix(n, "-") {
			t.Errorf("bucketName(%s) = %q", region, n)
		}
	}
	if got := bucketName("shop", "123456789012", "us-east-1"); got != "mvi-shop-123456789012-us-east-1" {
		t.Errorf("bucketName = %q", got)
	}
	if got := creationToken(longApp, "fs"); len(got) > 64 {
		t.Errorf("creation token %q is longer than 64", got)
	}
}

func TestPolicyPlaceholdersResolveToARNs(t *testing.T) {
	env := resource.Env{App: "shop", Region: "eu-west-1", Account: "123456789012", Deps: map[string]resource.Live{
		"key":       {ARN: "arn:aws:kms:eu-west-1:123456789012:key/k1"},
		"bucket":    {ARN: "arn:aws:s3:::mvi-shop"},
		"log-group": {ARN: "arn:aws:logs:eu-west-1:123456789012:log-group:/mvi/shop", Attrs: map[string]string{"policy_arn": "arn:aws:logs:eu-west-1:123456789012:log-group:/mvi/shop:*"}},
	}}
	for in, want := range map[string]string{
		"{key}":       "arn:aws:kms:eu-west-1:123456789012:key/k1",
		"{bucket}/*":  "arn:aws:s3:::mvi-shop/*",
		"{log-group}": "arn:aws:logs:eu-west-1:123456789012:log-group:/mvi/shop:*",
		"*":           "*",
		"arn:aws:ssm:{region}:{account}:parameter/mvi/shop/secrets/*": "arn:aws:ssm:eu-west-1:123456789012:parameter/mvi/shop/secrets/*",
		"arn:{partition}:s3:::x": "arn:aws:s3:::x",
	} {
		got, err := resolveARN(env, "role/task", in)
		if err != nil || got != want {
			t.Errorf("resolveARN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := resolveARN(env, "role/task", "{table}"); err == nil || !strings.Contains(err.Error(), "{table}") {
		t.Errorf("a missing dependency: %v", err)
	}

	doc, err := inlinePolicy(env, "role/task", []arch.Statement{
		{Actions: []string{"s3:GetObject"}, Resources: []string{"{bucket}", "{bucket}/*"}},
		{Actions: []string{"kms:Decrypt"}, Resources: []string{"{key}"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.Version != "2012-10-17" || len(parsed.Statement) != 2 || parsed.Statement[0].Effect != "Allow" ||
		parsed.Statement[0].Resource[1] != "arn:aws:s3:::mvi-shop/*" {
		t.Errorf("policy: %s", doc)
	}
	if doc, err := inlinePolicy(env, "role/task", nil); doc != "" || err != nil {
		t.Errorf("no statements: %q %v", doc, err)
	}
	if partition("cn-north-1") != "aws-cn" || partition("us-gov-west-1") != "aws-us-gov" || partition("eu-west-1") != "aws" {
		t.Error("partition")
	}
}

func TestPasswordIsLongRandomAndRDSSafe(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		p, err := newPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != passwordLength || passwordLength < 16 || passwordLength > 41 {
			t.Fatalf("length %d", len(p))
		}
		for _, c := range p {
			if !strings.ContainsRune(passwordChars, c) {
				t.Fatalf("character %q outside the charset", c)
			}
		}
		if strings.ContainsAny(p, "/@\" '") {
			t.Fatalf("RDS forbids / @ \" and spaces: %q", p)
		}
		if seen[p] {
			t.Fatal("a password repeated")
		}
		seen[p] = true
	}
	if strings.ContainsAny(passwordChars, "/@\" '%:?#") {
		t.Error("the charset holds characters RDS or a URL can't take as is")
	}
}

func TestTagsAndRecords(t *testing.T) {
	r := arch.Resource{ID: "subnet/public-a", Props: arch.SubnetProps{CIDR: "10.0.0.0/20"}}
	tags := resource.Tags("shop", r)
	if tags[resource.TagApp] != "shop" || tags[resource.TagID] != "subnet/public-a" || tags[resource.TagHash] != arch.Hash(r.Props) || len(tags) != 3 {
		t.Errorf("Tags = %v", tags)
	}
	if ct := createTags(resource.Env{App: "shop"}, r, true); ct[resource.TagHash] != hashPending || ct[resource.TagID] != r.ID {
		t.Errorf("createTags pending = %v", ct)
	}
	if !ours("shop", tags) || ours("shop2", tags) || ours("shop", map[string]string{resource.TagApp: "shop"}) {
		t.Error("ours")
	}
	id, hash, ok := parseRecord(recordValue("fs-mount/a", "0123abcd"))
	if !ok || id != "fs-mount/a" || hash != "0123abcd" {
		t.Errorf("record round trip: %q %q %v", id, hash, ok)
	}
	if _, _, ok := parseRecord("nohash"); ok {
		t.Error("a value without @ parsed as a record")
	}
	if keys := sortedKeys(tags); strings.Join(keys, ",") != "mvi:app,mvi:hash,mvi:id" {
		t.Errorf("sortedKeys = %v", keys)
	}
}

func TestErrorsKeepTheAWSCode(t *testing.T) {
	base := &smithy.GenericAPIError{Code: "DependencyViolation", Message: "has dependencies"}
	err := wrap("delete", "vpc", fmt.Errorf("op: %w", base))
	if errCode(err) != "DependencyViolation" || !isCode(err, "X", "DependencyViolation") || isCode(err, "X") {
		t.Errorf("code lost: %v", err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || !strings.HasPrefix(err.Error(), "delete vpc: ") {
		t.Errorf("wrapped error: %v", err)
	}
	if wrap("x", "y", nil) != nil || isCode(nil, "") {
		t.Error("nil errors")
	}
	nf := wrap("update", "log-group", &notFound{what: "log group /mvi/shop"})
	if errCode(nf) != "NotFound" {
		t.Errorf("notFound code %q", errCode(nf))
	}
	s := scrub(fmt.Errorf("bad password s3cr3t: %w", base), "s3cr3t")
	if strings.Contains(s.Error(), "s3cr3t") || errCode(s) != "DependencyViolation" {
		t.Errorf("scrub: %v", s)
	}
}

func TestTextSanitizers(t *testing.T) {
	if got := sgText("app VMs: ports → from the LB's group"); got != "app VMs: ports - from the LB-s group" {
		t.Errorf("sgText = %q", got)
	}
	if got := iamText("lets a VM join — and nothing more"); got != "lets a VM join - and nothing more" {
		t.Errorf("iamText = %q", got)
	}
}

func TestRenderedDocuments(t *testing.T) {
	env := resource.Env{App: "shop", Region: "eu-west-1", Account: "123456789012"}
	kp, err := keyPolicy(env, arch.KeyProps{Rotation: true})
	if err != nil || !strings.Contains(kp, `"arn:aws:iam::123456789012:root"`) || !strings.Contains(kp, "logs.eu-west-1.amazonaws.com") ||
		!strings.Contains(kp, "ec2.eu-west-1.amazonaws.com") || strings.Contains(kp, "cloudwatch.amazonaws.com") {
		t.Errorf("key policy: %s %v", kp, err)
	}
	// With a topic for the alarms, CloudWatch may encrypt to it.
	if kp, _ := keyPolicy(env, arch.KeyProps{Rotation: true, AlarmTopic: true}); !strings.Contains(kp, `"Service":"cloudwatch.amazonaws.com"`) {
		t.Errorf("key policy with an alarm topic: %s", kp)
	}
	ud, _ := base64.StdEncoding.DecodeString(userData("mvi-shop-cluster"))
	if !strings.Contains(string(ud), "ECS_CLUSTER=mvi-shop-cluster\n") || !strings.HasPrefix(string(ud), "#!/bin/bash\n") {
		t.Errorf("user data:\n%s", ud)
	}
	// One rule per built process, longest prefix first so web-admin's
	// images are counted by its own rule before web's "web-" sees them,
	// after the rule that keeps what kept releases run.
	lp := lifecyclePolicy(10, []string{"web", "web-admin", "worker"}, true)
	var doc struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus     string   `json:"tagStatus"`
				TagPrefixList []string `json:"tagPrefixList"`
				CountType     string   `json:"countType"`
				CountNumber   int      `json:"countNumber"`
			} `json:"selection"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(lp), &doc); err != nil || len(doc.Rules) != 4 {
		t.Fatalf("lifecycle policy: %s %v", lp, err)
	}
	// First the images kept releases run (a kept tag), at most keep of
	// each process, then each process's newest.
	for i, want := range []string{"kept.", "web-admin-", "worker-", "web-"} {
		r := doc.Rules[i]
		n := 10
		if i == 0 {
			n = 30
		}
		if r.RulePriority != i+1 || r.Selection.TagStatus != "tagged" || len(r.Selection.TagPrefixList) != 1 || r.Selection.TagPrefixList[0] != want ||
			r.Selection.CountType != "imageCountMoreThan" || r.Selection.CountNumber != n {
			t.Errorf("lifecycle rule %d: %+v, want prefix %s keeping %d", i, r, want, n)
		}
	}
	bp := bucketPolicy("arn:aws:s3:::b")
	if !strings.Contains(bp, `"Deny"`) || !strings.Contains(bp, `"aws:SecureTransport":"false"`) || !strings.Contains(bp, `"arn:aws:s3:::b/*"`) {
		t.Errorf("bucket policy: %s", bp)
	}
	tp := trustPolicy(env, "ecs-tasks.amazonaws.com")
	if !strings.Contains(tp, `"Service":"ecs-tasks.amazonaws.com"`) || !strings.Contains(tp, `"aws:SourceAccount":"123456789012"`) {
		t.Errorf("trust policy: %s", tp)
	}
	if tp := trustPolicy(env, "ec2.amazonaws.com"); strings.Contains(tp, "Condition") {
		t.Errorf("ec2 trust policy: %s", tp)
	}
	r := arch.Resource{ID: "dashboard", Props: arch.DashboardProps{Cluster: "cluster", LoadBalancer: "lb"}}
	body, err := dashboardBody(env, r, "mvi-shop-cluster", "app/mvi-shop-lb/123")
	if err != nil {
		t.Fatal(err)
	}
	m := dashboardMark.FindStringSubmatch(body)
	if m == nil || m[1] != "shop" || m[2] != "dashboard" || m[3] != arch.Hash(r.Props) {
		t.Errorf("dashboard mark %v in %s", m, body)
	}
	if !json.Valid([]byte(body)) || !strings.Contains(body, "app/mvi-shop-lb/123") {
		t.Errorf("dashboard body: %s", body)
	}
}

func TestARNHelpers(t *testing.T) {
	fam, rev := familyOf("arn:aws:ecs:us-east-1:1:task-definition/mvi-shop-task-definition-web:12")
	if fam != "mvi-shop-task-definition-web" || rev != 12 {
		t.Errorf("familyOf = %q %d", fam, rev)
	}
	if got := elbSuffix("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/mvi-shop-lb/abc", "loadbalancer/", false); got != "app/mvi-shop-lb/abc" {
		t.Errorf("load balancer dimension %q", got)
	}
	if got := elbSuffix("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/mvi-shop-tg/abc", "targetgroup/", true); got != "targetgroup/mvi-shop-tg/abc" {
		t.Errorf("target group dimension %q", got)
	}
	if !sameKey("k1", "arn:aws:kms:us-east-1:1:key/k1") || !sameKey("arn:aws:kms:us-east-1:1:key/k1", "arn:aws:kms:us-east-1:1:key/k1") || sameKey("k2", "arn:aws:kms:us-east-1:1:key/k1") {
		t.Error("sameKey")
	}
	if parameterARN(resource.Env{Region: "us-east-1", Account: "1"}, "/mvi/shop/db-password") != "arn:aws:ssm:us-east-1:1:parameter/mvi/shop/db-password" {
		t.Error("parameterARN")
	}
}
