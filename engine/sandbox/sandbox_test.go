package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestClientsComplete(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	if c.Region != "us-east-1" || c.EC2 == nil || c.AutoScaling == nil || c.IAM == nil || c.KMS == nil || c.SSM == nil ||
		c.ECS == nil || c.ECR == nil || c.ELB == nil || c.RDS == nil || c.EFS == nil || c.Logs == nil || c.CloudWatch == nil ||
		c.DynamoDB == nil || c.S3 == nil || c.STS == nil || c.Tagging == nil {
		t.Fatalf("incomplete clients: %+v", c)
	}
	if a := s.Account(); len(a) != 12 {
		t.Fatalf("account %q", a)
	}
}

func TestDefaultDirHonoursXDG(t *testing.T) {
	d := t.TempDir()
	t.Setenv("XDG_STATE_HOME", d)
	if got, want := DefaultDir(), filepath.Join(d, "mvi", "sandbox"); got != want {
		t.Fatalf("DefaultDir = %s, want %s", got, want)
	}
}

func TestStateSurvivesCloseOpen(t *testing.T) {
	dir := t.TempDir()
	s1, err := Open(bg, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	v := must(s1.Clients().EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16"),
		TagSpecifications: tagSpec(ec2types.ResourceTypeVpc, "mvi:app", "keep")}))
	acct := s1.Account()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s1.Clients().EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{}); !errors.Is(err, errClosed) {
		t.Fatalf("call after Close: %v", err)
	}
	s2 := openSB(t, Options{Dir: dir})
	if s2.Account() != acct {
		t.Fatalf("account changed: %s → %s", acct, s2.Account())
	}
	out := must(s2.Clients().EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{VpcIds: []string{*v.Vpc.VpcId}}))
	if len(out.Vpcs) != 1 || out.Vpcs[0].Tags[0].Value == nil || *out.Vpcs[0].Tags[0].Value != "keep" {
		t.Fatalf("vpc not restored: %+v", out.Vpcs)
	}
	id := must(s2.Clients().STS.GetCallerIdentity(bg, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id.Account) != acct {
		t.Fatalf("STS account %s, want %s", aws.ToString(id.Account), acct)
	}
}

func TestTwoSandboxesShareOneDir(t *testing.T) {
	dir := t.TempDir()
	a := openSB(t, Options{Dir: dir})
	b := openSB(t, Options{Dir: dir})
	v := must(a.Clients().EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	// b sees a's write at once.
	must(b.Clients().EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{VpcIds: []string{*v.Vpc.VpcId}}))

	// Hammer both with creates from many goroutines: nothing is lost and the
	// file stays one valid document.
	const workers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := s.Clients().EC2.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: v.Vpc.VpcId,
					GroupName: aws.String(fmt.Sprintf("g-%d-%d", w, i)), Description: aws.String("hammer")})
				if err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, s := range []*Sandbox{a, b} {
		out := must(s.Clients().EC2.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{
			Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{*v.Vpc.VpcId}}, {Name: aws.String("description"), Values: []string{"hammer"}}}}))
		if len(out.SecurityGroups) != workers*each {
			t.Fatalf("%d groups, want %d", len(out.SecurityGroups), workers*each)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, stateName))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("state file corrupt: %v", err)
	}
	if doc["version"].(float64) != stateVersion {
		t.Fatalf("version %v", doc["version"])
	}
}

func TestCrashMidWriteKeepsLastGoodState(t *testing.T) {
	dir := t.TempDir()
	s := openSB(t, Options{Dir: dir})
	v := must(s.Clients().EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.2.0.0/16")}))
	s.Close()
	// A writer died after writing half its temp file (and maybe after
	// bumping the generation): the rename never happened.
	tmp := filepath.Join(dir, tempPrefix+"999")
	if err := os.WriteFile(tmp, []byte(`{"version":1,"regions":{"us-east-1":{"ec2":{"vpcs":{`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, lockName), []byte("999999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s2 := openSB(t, Options{Dir: dir})
	must(s2.Clients().EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{VpcIds: []string{*v.Vpc.VpcId}}))
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatalf("stale temp file left behind: %v", err)
	}
	// And writes go on from there.
	must(s2.Clients().EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.3.0.0/16")}))
}

func TestCorruptStateIsAnErrorNotAWipe(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateName), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bg, Options{Dir: dir}); err == nil {
		t.Fatal("Open accepted a corrupt state file")
	}
}

func TestFailedMutationIsRolledBack(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	v := must(c.EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	g := must(c.EC2.CreateSecurityGroup(bg, &ec2.CreateSecurityGroupInput{VpcId: v.Vpc.VpcId, GroupName: aws.String("g"), Description: aws.String("d")}))
	// The second permission is a duplicate of the first: nothing is added.
	perm := ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}
	_, err := c.EC2.AuthorizeSecurityGroupIngress(bg, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{perm, perm}})
	wantCode(t, err, "InvalidPermission.Duplicate")
	out := must(c.EC2.DescribeSecurityGroups(bg, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*g.GroupId}}))
	if n := len(out.SecurityGroups[0].IpPermissions); n != 0 {
		t.Fatalf("half-applied authorize left %d permissions", n)
	}
}

func TestFaultInjectionIsDeterministic(t *testing.T) {
	run := func() ([]string, int) {
		s := openSB(t, Options{Seed: 42, Faults: Faults{Rate: 0.5, Throttle: true, Server: true}})
		c := s.Clients()
		var codes []string
		created := 0
		for i := 0; i < 60; i++ {
			_, err := c.EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
			if err == nil {
				created++
				codes = append(codes, "ok")
				continue
			}
			code := ErrorCode(err)
			codes = append(codes, code)
			var re *awshttp.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("fault without an HTTP response error: %T %v", err, err)
			}
			var ae smithy.APIError
			errors.As(err, &ae)
			switch code {
			case "RequestLimitExceeded":
				if re.HTTPStatusCode() != 503 || !retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() {
					t.Fatalf("EC2 throttle: status %d, throttle=%v", re.HTTPStatusCode(), retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err))
				}
			case "InternalError":
				if re.HTTPStatusCode() != 500 || ae.ErrorFault() != smithy.FaultServer {
					t.Fatalf("server fault: status %d fault %v", re.HTTPStatusCode(), ae.ErrorFault())
				}
			case "ServiceUnavailable":
				if re.HTTPStatusCode() != 503 {
					t.Fatalf("unavailable: status %d", re.HTTPStatusCode())
				}
			default:
				t.Fatalf("unexpected fault %s", code)
			}
			if !retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err).Bool() {
				t.Fatalf("SDK retry classifiers don't retry %s", code)
			}
		}
		return codes, created
	}
	a, na := run()
	b, nb := run()
	if fmt.Sprint(a) != fmt.Sprint(b) || na != nb {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	if na == 0 || na == len(a) {
		t.Fatalf("rate 0.5 gave %d/%d successes", na, len(a))
	}
	seen := map[string]bool{}
	for _, c := range a {
		seen[c] = true
	}
	for _, c := range []string{"ok", "RequestLimitExceeded", "InternalError", "ServiceUnavailable"} {
		if !seen[c] {
			t.Errorf("no %s in %v", c, a)
		}
	}
}

func TestFaultedCreateCreatesNothing(t *testing.T) {
	s := openSB(t, Options{Seed: 7, Faults: Faults{Rate: 0.5, Throttle: true}})
	c := s.Clients()
	ok := 0
	for i := 0; i < 40; i++ {
		if _, err := c.EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}); err == nil {
			ok++
		}
	}
	clean := openSB(t, Options{Dir: s.Dir()})
	out := must(clean.Clients().EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"false"}}}}))
	if len(out.Vpcs) != ok {
		t.Fatalf("%d VPCs exist after %d successful creates", len(out.Vpcs), ok)
	}
}

func TestEventualConsistencyFault(t *testing.T) {
	s := openSB(t, Options{Seed: 1, Faults: Faults{Rate: 1, NotFoundAfterCreate: true}})
	c := s.Clients()
	v := must(c.EC2.CreateVpc(bg, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
	_, err := c.EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{VpcIds: []string{*v.Vpc.VpcId}})
	wantCode(t, err, "InvalidVpcID.NotFound")
	// Old resources (the default VPC) are still there.
	out := must(c.EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{}))
	if len(out.Vpcs) != 1 || !*out.Vpcs[0].IsDefault {
		t.Fatalf("want only the default VPC visible, got %d", len(out.Vpcs))
	}
}

func TestCallsCounted(t *testing.T) {
	s := openSB(t, Options{})
	c := s.Clients()
	must(c.EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{}))
	must(c.EC2.DescribeVpcs(bg, &ec2.DescribeVpcsInput{}))
	must(c.STS.GetCallerIdentity(bg, &sts.GetCallerIdentityInput{}))
	got := s.Calls()
	if got["EC2.DescribeVpcs"] != 2 || got["STS.GetCallerIdentity"] != 1 || s.TotalCalls() != 3 {
		t.Fatalf("calls %v", got)
	}
	s.ResetCalls()
	if len(s.Calls()) != 0 {
		t.Fatal("ResetCalls kept counts")
	}
}
