package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/aws"
)

// Snapshot is one look at everything the app runs.
type Snapshot struct {
	App      string          `json:"app"`
	Region   string          `json:"region"`
	Services []ServiceStatus `json:"services"`
	Total    int             `json:"total"`
}

// ServiceStatus is one service's live resources.
type ServiceStatus struct {
	Service   arch.Service     `json:"service"`
	Resources []ResourceStatus `json:"resources"`
}

// ResourceStatus is one live resource, its state and gauges.
type ResourceStatus struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	PhysicalID string            `json:"physical_id"`
	ARN        string            `json:"arn,omitempty"`
	State      string            `json:"state,omitempty"`
	Gauges     map[string]string `json:"gauges,omitempty"`
	Attrs      map[string]string `json:"attrs,omitempty"`
}

// alwaysListed are types the Tagging API can't reveal: IAM isn't in it,
// and these record their existence on another resource or have no tags.
var alwaysListed = []string{"AWS::IAM::Role", "AWS::IAM::InstanceProfile", "AWS::CloudWatch::Dashboard"}

// arnTypes maps an ARN's "service:resource-type" to the types to list
// when the Tagging API shows one: a key brings its alias, a file system
// its mount targets, a cluster its capacity association.
var arnTypes = map[string][]string{
	"ec2:vpc": {"AWS::EC2::VPC"}, "ec2:subnet": {"AWS::EC2::Subnet"}, "ec2:internet-gateway": {"AWS::EC2::InternetGateway"},
	"ec2:route-table": {"AWS::EC2::RouteTable"}, "ec2:security-group": {"AWS::EC2::SecurityGroup"},
	"ec2:launch-template": {"AWS::EC2::LaunchTemplate"}, "ec2:instance": {"AWS::AutoScaling::AutoScalingGroup"},
	"autoscaling:autoScalingGroup": {"AWS::AutoScaling::AutoScalingGroup"},
	"kms:key":                      {"AWS::KMS::Key", "AWS::KMS::Alias"},
	"logs:log-group":               {"AWS::Logs::LogGroup"}, "ecr:repository": {"AWS::ECR::Repository"},
	"dynamodb:table": {"AWS::DynamoDB::Table"}, "s3:": {"AWS::S3::Bucket"},
	"elasticfilesystem:file-system": {"AWS::EFS::FileSystem", "AWS::EFS::MountTarget"},
	"rds:subgrp":                    {"AWS::RDS::DBSubnetGroup"}, "rds:db": {"AWS::RDS::DBInstance"},
	"ssm:parameter":         {"AWS::SSM::Parameter"},
	"ecs:cluster":           {"AWS::ECS::Cluster", "AWS::ECS::ClusterCapacityProviderAssociations"},
	"ecs:capacity-provider": {"AWS::ECS::CapacityProvider"}, "ecs:task-definition": {"AWS::ECS::TaskDefinition"},
	"ecs:service":                       {"AWS::ECS::Service"},
	"elasticloadbalancing:loadbalancer": {"AWS::ElasticLoadBalancingV2::LoadBalancer"},
	"elasticloadbalancing:targetgroup":  {"AWS::ElasticLoadBalancingV2::TargetGroup"},
	"elasticloadbalancing:listener":     {"AWS::ElasticLoadBalancingV2::Listener"},
	"cloudwatch:alarm":                  {"AWS::CloudWatch::Alarm"},
}

// Status finds the app's resources through the Tagging API (one paged
// call), then lists only the types present: one describe per type, not
// per resource.
func Status(ctx context.Context, cfg Config) (Snapshot, error) {
	types, err := discover(ctx, cfg)
	if err != nil {
		return Snapshot{}, fmt.Errorf("status %s: %w", cfg.App, err)
	}
	live, err := listAll(ctx, cfg, types)
	if err != nil {
		return Snapshot{}, fmt.Errorf("status %s: %w", cfg.App, err)
	}
	snap := Snapshot{App: cfg.App, Region: cfg.Region, Total: len(live)}
	groups := map[arch.Service]*ServiceStatus{}
	for _, l := range live {
		svc := serviceOf(l.Type)
		g := groups[svc]
		if g == nil {
			g = &ServiceStatus{Service: svc}
			groups[svc] = g
		}
		g.Resources = append(g.Resources, toStatus(l))
	}
	for _, s := range arch.Services() {
		if g := groups[s]; g != nil {
			sort.Slice(g.Resources, func(i, j int) bool { return g.Resources[i].ID < g.Resources[j].ID })
			snap.Services = append(snap.Services, *g)
		}
	}
	return snap, nil
}

func toStatus(l aws.Live) ResourceStatus {
	rs := ResourceStatus{ID: l.ID, Type: l.Type, PhysicalID: l.PhysicalID, ARN: l.ARN, State: l.State}
	for k, v := range l.Attrs {
		if g, ok := strings.CutPrefix(k, "gauge:"); ok {
			if rs.Gauges == nil {
				rs.Gauges = map[string]string{}
			}
			rs.Gauges[g] = v
			continue
		}
		if rs.Attrs == nil {
			rs.Attrs = map[string]string{}
		}
		rs.Attrs[k] = v
	}
	return rs
}

// discover returns the handled types the app has resources of.
func discover(ctx context.Context, cfg Config) ([]string, error) {
	want := map[string]bool{}
	for _, t := range alwaysListed {
		want[t] = true
	}
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(cfg.Clients.Tagging, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []tagtypes.TagFilter{{Key: sdkaws.String(aws.TagApp), Values: []string{cfg.App}}},
	})
	r := cfg.retry()
	for p.HasMorePages() {
		var page *resourcegroupstaggingapi.GetResourcesOutput
		err := retrying(ctx, r, func() (err error) { page, err = p.NextPage(ctx); return err }, nil)
		if err != nil {
			return nil, fmt.Errorf("find resources tagged %s=%s: %w", aws.TagApp, cfg.App, err)
		}
		for _, m := range page.ResourceTagMappingList {
			for _, t := range typesOfARN(sdkaws.ToString(m.ResourceARN)) {
				want[t] = true
			}
		}
	}
	var out []string
	for t := range want {
		if _, ok := cfg.Handlers[t]; ok {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out, nil
}

// typesOfARN reads arn:aws:<service>:<region>:<account>:<type>/<id> (or
// <type>:<id>; S3 has no type).
func typesOfARN(arn string) []string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return nil
	}
	svc, res := parts[2], parts[5]
	if svc == "s3" {
		return arnTypes["s3:"]
	}
	kind := res
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		kind = res[:i]
	}
	return arnTypes[svc+":"+kind]
}
