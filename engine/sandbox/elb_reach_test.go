package sandbox

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The load balancer reaches its targets only through its security
// groups, as on AWS: with its one egress rule revoked, every health check
// goes unanswered, no target is healthy and the page stops answering; put
// back, they heal.
func TestLoadBalancerNeedsEgressToItsTargets(t *testing.T) {
	h := upHello(t, 0, ServeOptions{})
	ctx := context.Background()
	c := h.sb.Clients()
	lbs := must(c.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{}))
	sg := lbs.LoadBalancers[0].SecurityGroups[0]
	g := must(c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{sg}}))
	eg := g.SecurityGroups[0].IpPermissionsEgress
	if len(eg) != 1 || aws.ToString(eg[0].IpRanges[0].CidrIp) != "10.0.0.0/16" {
		t.Fatalf("the load balancer's egress: %+v; want the designed rule into the VPC only", eg)
	}
	rule := ec2types.IpPermission{IpProtocol: eg[0].IpProtocol, FromPort: eg[0].FromPort, ToPort: eg[0].ToPort,
		IpRanges: []ec2types.IpRange{{CidrIp: eg[0].IpRanges[0].CidrIp}}}
	must(c.EC2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &sg, IpPermissions: []ec2types.IpPermission{rule}}))
	// ECS replaces the tasks that fail, and their replacements fail the
	// same way: no target turns healthy.
	eventually(t, "no target healthy", func() bool {
		out := must(c.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(h.tg)}))
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
				return false
			}
		}
		return true
	})
	if code, _, _, err := h.get(); err == nil && code == 200 {
		t.Errorf("with no egress the load balancer still served a page")
	}
	must(c.EC2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: &sg, IpPermissions: []ec2types.IpPermission{rule}}))
	eventually(t, "the targets heal", func() bool { return h.targetStates(t)["healthy"] >= 2 })
}
