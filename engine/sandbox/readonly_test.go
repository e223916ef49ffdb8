package sandbox

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// The sandbox keeps a read-only session's promise as AWS's clients do:
// a change is refused and nothing is made; reads go on.
func TestReadOnlySessionChangesNothing(t *testing.T) {
	sb := openSB(t, Options{})
	ctx := cloud.WithReadOnly(context.Background())
	_, err := sb.Clients().EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	var ro *cloud.ReadOnlyError
	if !errors.As(err, &ro) {
		t.Fatalf("CreateVpc in a read-only session: %v", err)
	}
	out, err := sb.Clients().EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out.Vpcs {
		if aws.ToString(v.CidrBlock) == "10.0.0.0/16" && !aws.ToBool(v.IsDefault) {
			t.Errorf("the refused CreateVpc made %s", aws.ToString(v.VpcId))
		}
	}
}
