package engine

import (
	"reflect"
	"sort"
	"testing"

	"github.com/minimalinfra/mvi/engine/aws"
)

// Status lists only the types the Tagging API reveals, so each ARN shape
// must map to the right handler types.
func TestTypesOfARN(t *testing.T) {
	cases := map[string][]string{
		"arn:aws:ec2:us-east-1:1:subnet/subnet-0abc":                                  {"AWS::EC2::Subnet"},
		"arn:aws:elasticloadbalancing:us-east-1:1:listener/app/mvi-a-lb/abc/def":      {"AWS::ElasticLoadBalancingV2::Listener"},
		"arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/mvi-a-lb/abc":      {"AWS::ElasticLoadBalancingV2::LoadBalancer"},
		"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/mvi-a-tg/abc":           {"AWS::ElasticLoadBalancingV2::TargetGroup"},
		"arn:aws:s3:::mvi-a-1-us-east-1":                                              {"AWS::S3::Bucket"},
		"arn:aws:kms:us-east-1:1:key/1234":                                            {"AWS::KMS::Key", "AWS::KMS::Alias"},
		"arn:aws:logs:us-east-1:1:log-group:/mvi/a":                                   {"AWS::Logs::LogGroup"},
		"arn:aws:rds:us-east-1:1:db:mvi-a-database":                                   {"AWS::RDS::DBInstance"},
		"arn:aws:autoscaling:us-east-1:1:autoScalingGroup:u:autoScalingGroupName/asg": {"AWS::AutoScaling::AutoScalingGroup"},
		"arn:aws:sns:us-east-1:1:mvi-a-topic":                                         {"AWS::SNS::Topic"},
		"not-an-arn":                                                                  nil,
	}
	for arn, want := range cases {
		got := aws.Handlers().TypesOfARN(arn)
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", arn, got, want)
		}
	}
}
