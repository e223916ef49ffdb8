package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// ELBv2, application load balancers: provisioning → active on the clock,
// one requester-managed ENI per subnet (public for internet-facing ones,
// lingering a few seconds after the load balancer is deleted, as AWS's do),
// target groups with health checks, listeners, and targets whose health
// goes initial → healthy after HealthyThresholdCount × interval once the
// load balancer is active and a listener forwards to the group (while a
// data plane serves, health is what its real checks saw instead:
// targetGroup.Observed, health.go); deregistered
// targets drain for deregistration_delay.timeout_seconds. The Create calls
// are idempotent for identical settings, as on AWS; deleting what is already
// gone succeeds, as on AWS.

type elbAPI struct{ s *Sandbox }

var _ cloud.ELB = (*elbAPI)(nil)

type elbState struct {
	LoadBalancers map[string]*loadBalancer `json:"load_balancers"` // by ARN
	TargetGroups  map[string]*targetGroup  `json:"target_groups"`  // by ARN
	Listeners     map[string]*listener     `json:"listeners"`      // by ARN
}

type loadBalancer struct {
	Meta
	Name     string    `json:"name"`
	Scheme   string    `json:"scheme"`
	Type     string    `json:"type"`
	IPType   string    `json:"ip_address_type"`
	VPC      string    `json:"vpc"`
	Subnets  []string  `json:"subnets"`
	SGs      []string  `json:"security_groups"`
	DNSName  string    `json:"dns_name"`
	ActiveAt time.Time `json:"active_at"`
}

type targetGroup struct {
	Meta
	Name       string            `json:"name"`
	Protocol   string            `json:"protocol"`
	Version    string            `json:"protocol_version,omitempty"`
	Port       int32             `json:"port"`
	VPC        string            `json:"vpc"`
	TargetType string            `json:"target_type"`
	HCEnabled  bool              `json:"hc_enabled"`
	HCPath     string            `json:"hc_path"`
	HCPort     string            `json:"hc_port"`
	HCProtocol string            `json:"hc_protocol"`
	HCInterval int32             `json:"hc_interval"`
	HCTimeout  int32             `json:"hc_timeout"`
	Healthy    int32             `json:"healthy_threshold"`
	Unhealthy  int32             `json:"unhealthy_threshold"`
	Matcher    string            `json:"matcher"`
	Attributes map[string]string `json:"attributes"`
	Targets    []target          `json:"targets,omitempty"`
	// Observed is what the data plane's health checks saw, by target key
	// (id:port); it rules target health while a data plane serves.
	Observed map[string]targetObs `json:"observed,omitempty"`
}

type target struct {
	ID         string    `json:"id"`
	Port       int32     `json:"port"`
	AZ         string    `json:"az,omitempty"`
	Registered time.Time `json:"registered"`
	DrainUntil time.Time `json:"drain_until,omitempty"`
}

type listener struct {
	Meta
	LB       string                 `json:"load_balancer"`
	Port     int32                  `json:"port"`
	Protocol string                 `json:"protocol"`
	Actions  []elbtypes.Action      `json:"actions"`
	Certs    []elbtypes.Certificate `json:"certificates,omitempty"`
	SSL      string                 `json:"ssl_policy,omitempty"`
}

var elbNameRE = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$`)

var albZones = map[string]string{
	"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
	"eu-west-1": "Z32O12XQLNTSW2", "eu-west-2": "ZHURV8PSTC4K8", "eu-central-1": "Z215JYRZR1TBD5", "ap-southeast-1": "Z1LMS91P8CMLE5",
	"ap-southeast-2": "Z1GM3OXH4ZPM65", "ap-northeast-1": "Z14GRHDCWA56QT", "ca-central-1": "ZQSVJUPU6J1EY", "sa-east-1": "Z2P70J7HTTTPLU",
}

func albZone(region string) string {
	if z, ok := albZones[region]; ok {
		return z
	}
	h := sha256.Sum256([]byte(region))
	return "Z" + strings.ToUpper(hex.EncodeToString(h[:]))[:13]
}

var tgDefaults = map[string]string{
	"deregistration_delay.timeout_seconds":                                           "300",
	"stickiness.enabled":                                                             "false",
	"stickiness.type":                                                                "lb_cookie",
	"stickiness.lb_cookie.duration_seconds":                                          "86400",
	"stickiness.app_cookie.cookie_name":                                              "",
	"stickiness.app_cookie.duration_seconds":                                         "86400",
	"slow_start.duration_seconds":                                                    "0",
	"load_balancing.algorithm.type":                                                  "round_robin",
	"load_balancing.algorithm.anomaly_mitigation":                                    "off",
	"load_balancing.cross_zone.enabled":                                              "use_load_balancer_configuration",
	"target_group_health.dns_failover.minimum_healthy_targets.count":                 "1",
	"target_group_health.dns_failover.minimum_healthy_targets.percentage":            "off",
	"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":      "1",
	"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
}

func lbNotFound() error {
	return &elbtypes.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found")}
}

func tgNotFound() error {
	return &elbtypes.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
}

func (t *tx) lbByARN(a string) (*loadBalancer, error) {
	lb := t.r.ELB.LoadBalancers[a]
	if lb == nil || t.hidden(lb.Created) {
		return nil, lbNotFound()
	}
	return lb, nil
}

func (t *tx) tgByARN(a string) (*targetGroup, error) {
	tg := t.r.ELB.TargetGroups[a]
	if tg == nil || t.hidden(tg.Created) {
		return nil, tgNotFound()
	}
	return tg, nil
}

func elbTags(m map[string]string) []elbtypes.Tag {
	out := []elbtypes.Tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, elbtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func elbTagMap(ts []elbtypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k := aws.ToString(tg.Key)
		if _, dup := m[k]; dup {
			return nil, &elbtypes.DuplicateTagKeysException{Message: aws.String("Tag key '" + k + "' specified more than once")}
		}
		m[k] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(m); bad {
		return nil, validationError("Tag key '%s' uses the reserved aws: prefix", k)
	}
	if len(m) > 50 {
		return nil, &elbtypes.TooManyTagsException{Message: aws.String("The quota for the number of tags that can be assigned to a load balancer has been reached")}
	}
	return m, nil
}

// --- load balancers ---

func (t *tx) lbSubnets(ids []string, maps []elbtypes.SubnetMapping) ([]*subnet, error) {
	for _, m := range maps {
		ids = append(ids, aws.ToString(m.SubnetId))
	}
	var out []*subnet
	azs := map[string]bool{}
	for _, id := range ids {
		s := t.r.EC2.Subnets[id]
		if s == nil {
			return nil, &elbtypes.SubnetNotFoundException{Message: aws.String("The subnet ID '" + id + "' is not valid")}
		}
		if azs[s.AZ] {
			return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("A load balancer cannot be attached to multiple subnets in the same Availability Zone")}
		}
		azs[s.AZ] = true
		if len(out) > 0 && out[0].VPC != s.VPC {
			return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("The subnets must all belong to the same VPC")}
		}
		out = append(out, s)
	}
	if len(out) < 2 {
		return nil, validationError("At least two subnets in two different Availability Zones must be specified")
	}
	return out, nil
}

func (t *tx) lbGroups(sgs []string, vpcID string) ([]string, error) {
	if len(sgs) == 0 {
		for _, k := range sortedKeys(t.r.EC2.SecurityGroups) {
			if g := t.r.EC2.SecurityGroups[k]; g.VPC == vpcID && g.Default {
				return []string{g.ID}, nil
			}
		}
	}
	for _, id := range sgs {
		g := t.r.EC2.SecurityGroups[id]
		if g == nil || g.VPC != vpcID {
			return nil, &elbtypes.InvalidSecurityGroupException{Message: aws.String("One or more security groups are invalid: Security group '" + id + "' does not exist")}
		}
	}
	return append([]string(nil), sgs...), nil
}

func (t *tx) lbState(lb *loadBalancer) elbtypes.LoadBalancerStateEnum {
	if t.reached(lb.ActiveAt) {
		return elbtypes.LoadBalancerStateEnumActive
	}
	return elbtypes.LoadBalancerStateEnumProvisioning
}

func (t *tx) lbOut(lb *loadBalancer) elbtypes.LoadBalancer {
	out := elbtypes.LoadBalancer{
		LoadBalancerArn: aws.String(lb.ARN), LoadBalancerName: aws.String(lb.Name), DNSName: aws.String(lb.DNSName),
		CanonicalHostedZoneId: aws.String(albZone(t.regionName())), CreatedTime: tp(lb.Created),
		Scheme: elbtypes.LoadBalancerSchemeEnum(lb.Scheme), Type: elbtypes.LoadBalancerTypeEnum(lb.Type), VpcId: aws.String(lb.VPC),
		IpAddressType: elbtypes.IpAddressType(lb.IPType), SecurityGroups: append([]string{}, lb.SGs...),
		State: &elbtypes.LoadBalancerState{Code: t.lbState(lb)},
	}
	for _, id := range lb.Subnets {
		az := ""
		if s := t.r.EC2.Subnets[id]; s != nil {
			az = s.AZ
		}
		out.AvailabilityZones = append(out.AvailabilityZones, elbtypes.AvailabilityZone{SubnetId: aws.String(id), ZoneName: aws.String(az),
			LoadBalancerAddresses: []elbtypes.LoadBalancerAddress{}})
	}
	return out
}

// placeLBENIs gives a load balancer one ENI per subnet.
func (t *tx) placeLBENIs(lb *loadBalancer, subnets []*subnet) error {
	t.releaseENIs(lb.ARN, false)
	desc := "ELB " + strings.TrimPrefix(lb.ARN[strings.Index(lb.ARN, "loadbalancer/"):], "loadbalancer/")
	for _, s := range subnets {
		if _, err := t.newENI(s, lb.SGs, desc, lb.Scheme == "internet-facing", "amazon-elb", lb.ARN, t.now); err != nil {
			return &elbtypes.InvalidSubnetException{Message: aws.String("Not enough IP space available in " + s.ID + ". ELB requires at least 8 free IP addresses in each subnet.")}
		}
	}
	return nil
}

func (t *tx) vpcHasIGW(vpcID string) bool {
	for _, g := range t.r.EC2.IGWs {
		if g.VPC == vpcID {
			return true
		}
	}
	return false
}

func (a *elbAPI) CreateLoadBalancer(ctx context.Context, in *elb.CreateLoadBalancerInput, _ ...func(*elb.Options)) (*elb.CreateLoadBalancerOutput, error) {
	return call(ctx, a.s, svcELB, "CreateLoadBalancer", func(t *tx) (*elb.CreateLoadBalancerOutput, error) {
		name := aws.ToString(in.Name)
		if !elbNameRE.MatchString(name) || strings.HasPrefix(name, "internal-") {
			return nil, validationError("LoadBalancer name '%s' is invalid: it must be 1–32 alphanumeric characters or hyphens, not begin or end with a hyphen, and not begin with 'internal-'", name)
		}
		typ := string(in.Type)
		if typ == "" {
			typ = "application"
		}
		if typ != "application" {
			return nil, validationError("The sandbox supports application load balancers only, not '%s'", typ)
		}
		scheme := string(in.Scheme)
		if scheme == "" {
			scheme = "internet-facing"
		}
		if scheme != "internet-facing" && scheme != "internal" {
			return nil, validationError("Scheme must be internet-facing or internal")
		}
		subnets, err := t.lbSubnets(append([]string(nil), in.Subnets...), in.SubnetMappings)
		if err != nil {
			return nil, err
		}
		vpcID := subnets[0].VPC
		sgs, err := t.lbGroups(in.SecurityGroups, vpcID)
		if err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		var sids []string
		for _, s := range subnets {
			sids = append(sids, s.ID)
		}
		for _, lb := range t.r.ELB.LoadBalancers {
			if lb.Name != name {
				continue
			}
			if lb.Scheme == scheme && strings.Join(sortStrings(lb.Subnets), ",") == strings.Join(sortStrings(sids), ",") {
				return &elb.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{t.lbOut(lb)}}, nil
			}
			return nil, &elbtypes.DuplicateLoadBalancerNameException{Message: aws.String("A load balancer with the same name '" + name + "' exists, but with different settings")}
		}
		if scheme == "internet-facing" && !t.vpcHasIGW(vpcID) {
			return nil, &elbtypes.InvalidSubnetException{Message: aws.String("VPC " + vpcID + " has no internet gateway")}
		}
		id := hexID(16)
		dns := name + "-" + digits(10) + "." + t.regionName() + ".elb.amazonaws.com"
		if scheme == "internal" {
			dns = "internal-" + dns
		}
		ipType := string(in.IpAddressType)
		if ipType == "" {
			ipType = "ipv4"
		}
		lb := &loadBalancer{Meta: Meta{ID: name, ARN: t.arn("elasticloadbalancing", "loadbalancer/app/"+name+"/"+id), Created: t.now},
			Name: name, Scheme: scheme, Type: typ, IPType: ipType, VPC: vpcID, Subnets: sids, SGs: sgs, DNSName: dns,
			ActiveAt: t.at(paceLBActive)}
		if len(tags) > 0 {
			lb.Tags = tags
		}
		if err := t.placeLBENIs(lb, subnets); err != nil {
			return nil, err
		}
		t.r.ELB.LoadBalancers[lb.ARN] = lb
		return &elb.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{t.lbOut(lb)}}, nil
	})
}

func (a *elbAPI) DeleteLoadBalancer(ctx context.Context, in *elb.DeleteLoadBalancerInput, _ ...func(*elb.Options)) (*elb.DeleteLoadBalancerOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteLoadBalancer", func(t *tx) (*elb.DeleteLoadBalancerOutput, error) {
		arnS := aws.ToString(in.LoadBalancerArn)
		if _, ok := parseARN(arnS); !ok {
			return nil, validationError("'%s' is not a valid load balancer ARN", arnS)
		}
		lb := t.r.ELB.LoadBalancers[arnS]
		if lb == nil {
			return &elb.DeleteLoadBalancerOutput{}, nil
		}
		for _, k := range sortedKeys(t.r.ELB.Listeners) {
			if t.r.ELB.Listeners[k].LB == lb.ARN {
				delete(t.r.ELB.Listeners, k)
			}
		}
		t.releaseENIs(lb.ARN, true)
		delete(t.r.ELB.LoadBalancers, lb.ARN)
		return &elb.DeleteLoadBalancerOutput{}, nil
	})
}

func (a *elbAPI) DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, _ ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeLoadBalancers", func(t *tx) (*elb.DescribeLoadBalancersOutput, error) {
		if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
			return nil, validationError("Load balancer names and load balancer ARNs cannot be specified at the same time")
		}
		var out []elbtypes.LoadBalancer
		switch {
		case len(in.LoadBalancerArns) > 0:
			for _, a := range in.LoadBalancerArns {
				lb, err := t.lbByARN(a)
				if err != nil {
					return nil, err
				}
				out = append(out, t.lbOut(lb))
			}
		case len(in.Names) > 0:
			for _, n := range in.Names {
				var found *loadBalancer
				for _, lb := range t.r.ELB.LoadBalancers {
					if lb.Name == n && !t.hidden(lb.Created) {
						found = lb
					}
				}
				if found == nil {
					return nil, &elbtypes.LoadBalancerNotFoundException{Message: aws.String("Load balancers '[" + n + "]' not found")}
				}
				out = append(out, t.lbOut(found))
			}
		default:
			for _, k := range sortedKeys(t.r.ELB.LoadBalancers) {
				if lb := t.r.ELB.LoadBalancers[k]; !t.hidden(lb.Created) {
					out = append(out, t.lbOut(lb))
				}
			}
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeLoadBalancersOutput{LoadBalancers: items, NextMarker: next}, nil
	})
}

func elbPage[T any](items []T, marker *string, size *int32) ([]T, *string, error) {
	n := int(aws.ToInt32(size))
	if n == 0 {
		n = 400
	}
	if n < 1 || n > 400 {
		return nil, nil, validationError("1 validation error detected: Value '%d' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400", n)
	}
	out, next, err := page(items, marker, n)
	if err != nil {
		return nil, nil, validationError("Invalid marker")
	}
	if out == nil {
		out = []T{}
	}
	return out, next, nil
}

func (a *elbAPI) SetSecurityGroups(ctx context.Context, in *elb.SetSecurityGroupsInput, _ ...func(*elb.Options)) (*elb.SetSecurityGroupsOutput, error) {
	return call(ctx, a.s, svcELB, "SetSecurityGroups", func(t *tx) (*elb.SetSecurityGroupsOutput, error) {
		lb, err := t.lbByARN(aws.ToString(in.LoadBalancerArn))
		if err != nil {
			return nil, err
		}
		if len(in.SecurityGroups) == 0 {
			return nil, validationError("At least one security group must be specified")
		}
		sgs, err := t.lbGroups(in.SecurityGroups, lb.VPC)
		if err != nil {
			return nil, err
		}
		lb.SGs = sgs
		t.setENIGroups(lb.ARN, sgs)
		return &elb.SetSecurityGroupsOutput{SecurityGroupIds: append([]string{}, sgs...)}, nil
	})
}

func (a *elbAPI) SetSubnets(ctx context.Context, in *elb.SetSubnetsInput, _ ...func(*elb.Options)) (*elb.SetSubnetsOutput, error) {
	return call(ctx, a.s, svcELB, "SetSubnets", func(t *tx) (*elb.SetSubnetsOutput, error) {
		lb, err := t.lbByARN(aws.ToString(in.LoadBalancerArn))
		if err != nil {
			return nil, err
		}
		subnets, err := t.lbSubnets(append([]string(nil), in.Subnets...), in.SubnetMappings)
		if err != nil {
			return nil, err
		}
		if subnets[0].VPC != lb.VPC {
			return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("The subnets must belong to the load balancer's VPC")}
		}
		var sids []string
		for _, s := range subnets {
			sids = append(sids, s.ID)
		}
		lb.Subnets = sids
		if err := t.placeLBENIs(lb, subnets); err != nil {
			return nil, err
		}
		return &elb.SetSubnetsOutput{AvailabilityZones: t.lbOut(lb).AvailabilityZones, IpAddressType: elbtypes.IpAddressType(lb.IPType)}, nil
	})
}

// --- target groups ---

func (t *tx) tgLBs(tg *targetGroup) []string {
	set := map[string]bool{}
	for _, l := range t.r.ELB.Listeners {
		for _, tga := range actionTGs(l.Actions) {
			if tga == tg.ARN {
				set[l.LB] = true
			}
		}
	}
	return sortedKeys(set)
}

func actionTGs(actions []elbtypes.Action) []string {
	var out []string
	for _, a := range actions {
		if a.TargetGroupArn != nil {
			out = append(out, *a.TargetGroupArn)
		}
		if a.ForwardConfig != nil {
			for _, tg := range a.ForwardConfig.TargetGroups {
				out = append(out, aws.ToString(tg.TargetGroupArn))
			}
		}
	}
	return out
}

func (t *tx) tgOut(tg *targetGroup) elbtypes.TargetGroup {
	out := elbtypes.TargetGroup{
		TargetGroupArn: aws.String(tg.ARN), TargetGroupName: aws.String(tg.Name), Protocol: elbtypes.ProtocolEnum(tg.Protocol),
		TargetType: elbtypes.TargetTypeEnum(tg.TargetType), HealthCheckEnabled: aws.Bool(tg.HCEnabled),
		HealthCheckIntervalSeconds: aws.Int32(tg.HCInterval), HealthCheckTimeoutSeconds: aws.Int32(tg.HCTimeout),
		HealthyThresholdCount: aws.Int32(tg.Healthy), UnhealthyThresholdCount: aws.Int32(tg.Unhealthy),
		HealthCheckPath: aws.String(tg.HCPath), HealthCheckPort: aws.String(tg.HCPort), HealthCheckProtocol: elbtypes.ProtocolEnum(tg.HCProtocol),
		Matcher: &elbtypes.Matcher{HttpCode: aws.String(tg.Matcher)}, LoadBalancerArns: t.tgLBs(tg),
		IpAddressType: elbtypes.TargetGroupIpAddressTypeEnumIpv4,
	}
	if tg.TargetType != "lambda" {
		out.Port, out.VpcId = aws.Int32(tg.Port), aws.String(tg.VPC)
	}
	if tg.Version != "" {
		out.ProtocolVersion = aws.String(tg.Version)
	}
	return out
}

func checkHealthCheck(interval, timeout, healthy, unhealthy int32) error {
	if interval < 5 || interval > 300 {
		return validationError("Health check interval must be between 5 and 300 seconds")
	}
	if timeout < 2 || timeout > 120 {
		return validationError("Health check timeout must be between 2 and 120 seconds")
	}
	if timeout >= interval {
		return validationError("Health check timeout '%d' must be smaller than the interval '%d'", timeout, interval)
	}
	if healthy < 2 || healthy > 10 || unhealthy < 2 || unhealthy > 10 {
		return validationError("Health check thresholds must be between 2 and 10")
	}
	return nil
}

func (a *elbAPI) CreateTargetGroup(ctx context.Context, in *elb.CreateTargetGroupInput, _ ...func(*elb.Options)) (*elb.CreateTargetGroupOutput, error) {
	return call(ctx, a.s, svcELB, "CreateTargetGroup", func(t *tx) (*elb.CreateTargetGroupOutput, error) {
		name := aws.ToString(in.Name)
		if !elbNameRE.MatchString(name) {
			return nil, validationError("Target group name '%s' can only contain characters that are alphanumeric characters or hyphens(-), must be no more than 32 characters, and must not begin or end with a hyphen", name)
		}
		tt := string(in.TargetType)
		if tt == "" {
			tt = "instance"
		}
		if tt != "instance" && tt != "ip" {
			return nil, validationError("The sandbox supports instance and ip target groups only")
		}
		proto := string(in.Protocol)
		if proto == "" {
			return nil, validationError("A protocol must be specified")
		}
		if proto != "HTTP" && proto != "HTTPS" {
			return nil, &elbtypes.UnsupportedProtocolException{Message: aws.String("Protocol '" + proto + "' is not supported by application load balancer target groups")}
		}
		if in.Port == nil {
			return nil, validationError("A port must be specified")
		}
		if *in.Port < 1 || *in.Port > 65535 {
			return nil, validationError("Port must be between 1 and 65535")
		}
		if in.VpcId == nil {
			return nil, validationError("A VPC ID must be specified")
		}
		if t.r.EC2.VPCs[*in.VpcId] == nil {
			return nil, validationError("The VPC ID '%s' is not found", *in.VpcId)
		}
		tg := &targetGroup{Name: name, Protocol: proto, Port: *in.Port, VPC: *in.VpcId, TargetType: tt,
			HCEnabled: true, HCPath: "/", HCPort: "traffic-port", HCProtocol: proto, HCInterval: 30, HCTimeout: 5,
			Healthy: 5, Unhealthy: 2, Matcher: "200", Attributes: map[string]string{}, Version: aws.ToString(in.ProtocolVersion)}
		if tg.Version == "" {
			tg.Version = "HTTP1"
		}
		applyHC(tg, in.HealthCheckEnabled, in.HealthCheckPath, in.HealthCheckPort, in.HealthCheckProtocol, in.HealthCheckIntervalSeconds,
			in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher)
		if err := checkHealthCheck(tg.HCInterval, tg.HCTimeout, tg.Healthy, tg.Unhealthy); err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, o := range t.r.ELB.TargetGroups {
			if o.Name != name {
				continue
			}
			if o.Protocol == tg.Protocol && o.Port == tg.Port && o.VPC == tg.VPC && o.TargetType == tg.TargetType {
				return &elb.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{t.tgOut(o)}}, nil
			}
			return nil, &elbtypes.DuplicateTargetGroupNameException{Message: aws.String("A target group with the same name '" + name + "' exists, but with different settings")}
		}
		tg.Meta = Meta{ID: name, ARN: t.arn("elasticloadbalancing", "targetgroup/"+name+"/"+hexID(16)), Created: t.now}
		if len(tags) > 0 {
			tg.Tags = tags
		}
		t.r.ELB.TargetGroups[tg.ARN] = tg
		return &elb.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{t.tgOut(tg)}}, nil
	})
}

func applyHC(tg *targetGroup, enabled *bool, path, port *string, proto elbtypes.ProtocolEnum, interval, timeout, healthy, unhealthy *int32, m *elbtypes.Matcher) {
	if enabled != nil {
		tg.HCEnabled = *enabled
	}
	if path != nil {
		tg.HCPath = *path
	}
	if port != nil {
		tg.HCPort = *port
	}
	if proto != "" {
		tg.HCProtocol = string(proto)
	}
	if interval != nil {
		tg.HCInterval = *interval
	}
	if timeout != nil {
		tg.HCTimeout = *timeout
	}
	if healthy != nil {
		tg.Healthy = *healthy
	}
	if unhealthy != nil {
		tg.Unhealthy = *unhealthy
	}
	if m != nil && m.HttpCode != nil {
		tg.Matcher = *m.HttpCode
	}
}

func (a *elbAPI) DeleteTargetGroup(ctx context.Context, in *elb.DeleteTargetGroupInput, _ ...func(*elb.Options)) (*elb.DeleteTargetGroupOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteTargetGroup", func(t *tx) (*elb.DeleteTargetGroupOutput, error) {
		tg := t.r.ELB.TargetGroups[aws.ToString(in.TargetGroupArn)]
		if tg == nil {
			return &elb.DeleteTargetGroupOutput{}, nil
		}
		if len(t.tgLBs(tg)) > 0 {
			return nil, &elbtypes.ResourceInUseException{Message: aws.String("Target group '" + tg.ARN + "' is currently in use by a listener or a rule")}
		}
		delete(t.r.ELB.TargetGroups, tg.ARN)
		return &elb.DeleteTargetGroupOutput{}, nil
	})
}

func (a *elbAPI) DescribeTargetGroups(ctx context.Context, in *elb.DescribeTargetGroupsInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTargetGroups", func(t *tx) (*elb.DescribeTargetGroupsOutput, error) {
		var out []elbtypes.TargetGroup
		switch {
		case len(in.TargetGroupArns) > 0:
			for _, a := range in.TargetGroupArns {
				tg, err := t.tgByARN(a)
				if err != nil {
					return nil, err
				}
				out = append(out, t.tgOut(tg))
			}
		case len(in.Names) > 0:
			for _, n := range in.Names {
				var found *targetGroup
				for _, tg := range t.r.ELB.TargetGroups {
					if tg.Name == n && !t.hidden(tg.Created) {
						found = tg
					}
				}
				if found == nil {
					return nil, &elbtypes.TargetGroupNotFoundException{Message: aws.String("Target groups '[" + n + "]' not found")}
				}
				out = append(out, t.tgOut(found))
			}
		default:
			var lbARN string
			if in.LoadBalancerArn != nil {
				lb, err := t.lbByARN(*in.LoadBalancerArn)
				if err != nil {
					return nil, err
				}
				lbARN = lb.ARN
			}
			for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
				tg := t.r.ELB.TargetGroups[k]
				if t.hidden(tg.Created) {
					continue
				}
				if lbARN != "" {
					found := false
					for _, l := range t.tgLBs(tg) {
						found = found || l == lbARN
					}
					if !found {
						continue
					}
				}
				out = append(out, t.tgOut(tg))
			}
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeTargetGroupsOutput{TargetGroups: items, NextMarker: next}, nil
	})
}

func (a *elbAPI) ModifyTargetGroup(ctx context.Context, in *elb.ModifyTargetGroupInput, _ ...func(*elb.Options)) (*elb.ModifyTargetGroupOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyTargetGroup", func(t *tx) (*elb.ModifyTargetGroupOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		n := *tg
		applyHC(&n, in.HealthCheckEnabled, in.HealthCheckPath, in.HealthCheckPort, in.HealthCheckProtocol, in.HealthCheckIntervalSeconds,
			in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher)
		if err := checkHealthCheck(n.HCInterval, n.HCTimeout, n.Healthy, n.Unhealthy); err != nil {
			return nil, err
		}
		*tg = n
		return &elb.ModifyTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{t.tgOut(tg)}}, nil
	})
}

func (t *tx) tgAttrs(tg *targetGroup) []elbtypes.TargetGroupAttribute {
	var out []elbtypes.TargetGroupAttribute
	for _, k := range sortedKeys(tgDefaults) {
		v := tgDefaults[k]
		if x, ok := tg.Attributes[k]; ok {
			v = x
		}
		out = append(out, elbtypes.TargetGroupAttribute{Key: aws.String(k), Value: aws.String(v)})
	}
	return out
}

func (a *elbAPI) ModifyTargetGroupAttributes(ctx context.Context, in *elb.ModifyTargetGroupAttributesInput, _ ...func(*elb.Options)) (*elb.ModifyTargetGroupAttributesOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyTargetGroupAttributes", func(t *tx) (*elb.ModifyTargetGroupAttributesOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		for _, at := range in.Attributes {
			k, v := aws.ToString(at.Key), aws.ToString(at.Value)
			if _, ok := tgDefaults[k]; !ok {
				return nil, &elbtypes.InvalidConfigurationRequestException{Message: aws.String("Target group attribute key '" + k + "' is not recognized")}
			}
			switch k {
			case "deregistration_delay.timeout_seconds", "slow_start.duration_seconds", "stickiness.lb_cookie.duration_seconds":
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || (k == "deregistration_delay.timeout_seconds" && n > 3600) {
					return nil, validationError("'%s' is not a valid value for '%s'", v, k)
				}
			case "stickiness.enabled":
				if v != "true" && v != "false" {
					return nil, validationError("'%s' must be true or false", k)
				}
			}
			tg.Attributes[k] = v
		}
		return &elb.ModifyTargetGroupAttributesOutput{Attributes: t.tgAttrs(tg)}, nil
	})
}

func (a *elbAPI) DescribeTargetGroupAttributes(ctx context.Context, in *elb.DescribeTargetGroupAttributesInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupAttributesOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTargetGroupAttributes", func(t *tx) (*elb.DescribeTargetGroupAttributesOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		return &elb.DescribeTargetGroupAttributesOutput{Attributes: t.tgAttrs(tg)}, nil
	})
}

// --- listeners ---

func (t *tx) listenerOut(l *listener) elbtypes.Listener {
	out := elbtypes.Listener{ListenerArn: aws.String(l.ARN), LoadBalancerArn: aws.String(l.LB), Port: aws.Int32(l.Port),
		Protocol: elbtypes.ProtocolEnum(l.Protocol), DefaultActions: clone(l.Actions), Certificates: clone(l.Certs)}
	if l.SSL != "" {
		out.SslPolicy = aws.String(l.SSL)
	}
	return out
}

// checkActions validates a listener's actions against the load balancer.
func (t *tx) checkActions(lb *loadBalancer, actions []elbtypes.Action, self string) error {
	if len(actions) == 0 {
		return validationError("A default action must be specified")
	}
	for _, a := range actions {
		switch a.Type {
		case elbtypes.ActionTypeEnumForward:
			tgs := actionTGs([]elbtypes.Action{a})
			if len(tgs) == 0 {
				return validationError("A target group ARN must be specified for a forward action")
			}
			for _, arn := range tgs {
				tg := t.r.ELB.TargetGroups[arn]
				if tg == nil {
					return tgNotFound()
				}
				if tg.VPC != lb.VPC {
					return validationError("The target group '%s' is in a different VPC than the load balancer", arn)
				}
				for _, other := range t.tgLBs(tg) {
					if other != lb.ARN {
						return &elbtypes.TargetGroupAssociationLimitException{Message: aws.String("The following target groups cannot be associated with more than one load balancer: " + arn)}
					}
				}
			}
		case elbtypes.ActionTypeEnumRedirect:
			if a.RedirectConfig == nil {
				return validationError("A redirect configuration must be specified for a redirect action")
			}
		case elbtypes.ActionTypeEnumFixedResponse:
			if a.FixedResponseConfig == nil {
				return validationError("A fixed response configuration must be specified for a fixed-response action")
			}
		default:
			return &elbtypes.InvalidLoadBalancerActionException{Message: aws.String("Action type '" + string(a.Type) + "' is not supported by the sandbox")}
		}
	}
	return nil
}

func (a *elbAPI) CreateListener(ctx context.Context, in *elb.CreateListenerInput, _ ...func(*elb.Options)) (*elb.CreateListenerOutput, error) {
	return call(ctx, a.s, svcELB, "CreateListener", func(t *tx) (*elb.CreateListenerOutput, error) {
		lb, err := t.lbByARN(aws.ToString(in.LoadBalancerArn))
		if err != nil {
			return nil, err
		}
		port := aws.ToInt32(in.Port)
		if port < 1 || port > 65535 {
			return nil, validationError("Port must be between 1 and 65535")
		}
		proto := string(in.Protocol)
		if proto == "" {
			proto = "HTTP"
		}
		if proto != "HTTP" && proto != "HTTPS" {
			return nil, &elbtypes.UnsupportedProtocolException{Message: aws.String("The protocol '" + proto + "' is not supported by application load balancers")}
		}
		if proto == "HTTPS" && len(in.Certificates) == 0 {
			return nil, validationError("A certificate must be specified for HTTPS listeners")
		}
		if err := t.checkActions(lb, in.DefaultActions, ""); err != nil {
			return nil, err
		}
		tags, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, l := range t.r.ELB.Listeners {
			if l.LB == lb.ARN && l.Port == port {
				if l.Protocol == proto && strings.Join(actionTGs(l.Actions), ",") == strings.Join(actionTGs(in.DefaultActions), ",") {
					return &elb.CreateListenerOutput{Listeners: []elbtypes.Listener{t.listenerOut(l)}}, nil
				}
				return nil, &elbtypes.DuplicateListenerException{Message: aws.String("A listener already exists on this port for this load balancer '" + lb.ARN + "'")}
			}
		}
		lbPath := strings.TrimPrefix(lb.ARN[strings.Index(lb.ARN, "loadbalancer/"):], "loadbalancer/")
		l := &listener{Meta: Meta{ID: hexID(16), Created: t.now}, LB: lb.ARN, Port: port, Protocol: proto,
			Actions: clone(in.DefaultActions), Certs: clone(in.Certificates), SSL: aws.ToString(in.SslPolicy)}
		l.ARN = t.arn("elasticloadbalancing", "listener/"+lbPath+"/"+l.ID)
		if proto == "HTTPS" && l.SSL == "" {
			l.SSL = "ELBSecurityPolicy-TLS13-1-2-2021-06"
		}
		if len(tags) > 0 {
			l.Tags = tags
		}
		for i := range l.Actions {
			if l.Actions[i].Order == nil {
				l.Actions[i].Order = aws.Int32(int32(i + 1))
			}
		}
		t.r.ELB.Listeners[l.ARN] = l
		return &elb.CreateListenerOutput{Listeners: []elbtypes.Listener{t.listenerOut(l)}}, nil
	})
}

func (a *elbAPI) DeleteListener(ctx context.Context, in *elb.DeleteListenerInput, _ ...func(*elb.Options)) (*elb.DeleteListenerOutput, error) {
	return call(ctx, a.s, svcELB, "DeleteListener", func(t *tx) (*elb.DeleteListenerOutput, error) {
		a := aws.ToString(in.ListenerArn)
		if t.r.ELB.Listeners[a] == nil {
			return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
		}
		delete(t.r.ELB.Listeners, a)
		return &elb.DeleteListenerOutput{}, nil
	})
}

func (a *elbAPI) DescribeListeners(ctx context.Context, in *elb.DescribeListenersInput, _ ...func(*elb.Options)) (*elb.DescribeListenersOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeListeners", func(t *tx) (*elb.DescribeListenersOutput, error) {
		var out []elbtypes.Listener
		switch {
		case len(in.ListenerArns) > 0:
			for _, a := range in.ListenerArns {
				l := t.r.ELB.Listeners[a]
				if l == nil || t.hidden(l.Created) {
					return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
				}
				out = append(out, t.listenerOut(l))
			}
		case in.LoadBalancerArn != nil:
			lb, err := t.lbByARN(*in.LoadBalancerArn)
			if err != nil {
				return nil, err
			}
			for _, k := range sortedKeys(t.r.ELB.Listeners) {
				if l := t.r.ELB.Listeners[k]; l.LB == lb.ARN && !t.hidden(l.Created) {
					out = append(out, t.listenerOut(l))
				}
			}
		default:
			return nil, validationError("You must specify either listener ARNs or a load balancer ARN")
		}
		items, next, err := elbPage(out, in.Marker, in.PageSize)
		if err != nil {
			return nil, err
		}
		return &elb.DescribeListenersOutput{Listeners: items, NextMarker: next}, nil
	})
}

func (a *elbAPI) ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, _ ...func(*elb.Options)) (*elb.ModifyListenerOutput, error) {
	return call(ctx, a.s, svcELB, "ModifyListener", func(t *tx) (*elb.ModifyListenerOutput, error) {
		l := t.r.ELB.Listeners[aws.ToString(in.ListenerArn)]
		if l == nil {
			return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
		}
		lb := t.r.ELB.LoadBalancers[l.LB]
		if in.Port != nil {
			for _, o := range t.r.ELB.Listeners {
				if o.LB == l.LB && o.Port == *in.Port && o.ARN != l.ARN {
					return nil, &elbtypes.DuplicateListenerException{Message: aws.String("A listener already exists on this port for this load balancer '" + l.LB + "'")}
				}
			}
		}
		if in.DefaultActions != nil {
			if err := t.checkActions(lb, in.DefaultActions, l.ARN); err != nil {
				return nil, err
			}
			l.Actions = clone(in.DefaultActions)
		}
		if in.Port != nil {
			l.Port = *in.Port
		}
		if in.Protocol != "" {
			l.Protocol = string(in.Protocol)
		}
		if in.Certificates != nil {
			l.Certs = clone(in.Certificates)
		}
		if in.SslPolicy != nil {
			l.SSL = *in.SslPolicy
		}
		return &elb.ModifyListenerOutput{Listeners: []elbtypes.Listener{t.listenerOut(l)}}, nil
	})
}

// --- targets ---

// registerTarget adds (or re-adds) a target; reports whether anything
// changed.
func (t *tx) registerTarget(tg *targetGroup, id string, port int32, at time.Time) bool {
	for i := range tg.Targets {
		x := &tg.Targets[i]
		if x.ID == id && x.Port == port {
			if x.DrainUntil.IsZero() {
				return false
			}
			x.DrainUntil, x.Registered = time.Time{}, at
			return true
		}
	}
	az := ""
	if inst := t.r.EC2.Instances[id]; inst != nil {
		az = inst.AZ
	}
	tg.Targets = append(tg.Targets, target{ID: id, Port: port, AZ: az, Registered: at})
	return true
}

// deregisterTarget starts draining a target; reports whether anything
// changed.
func (t *tx) deregisterTarget(tg *targetGroup, id string, port int32) bool {
	for i := range tg.Targets {
		x := &tg.Targets[i]
		if x.ID == id && (port == 0 || x.Port == port) && x.DrainUntil.IsZero() {
			delay, _ := strconv.Atoi(tg.attr("deregistration_delay.timeout_seconds"))
			x.DrainUntil = t.at(time.Duration(delay) * time.Second)
			if t.dataPlane() && x.DrainUntil.Before(t.now.Add(minServedDrain)) {
				x.DrainUntil = t.now.Add(minServedDrain)
			}
			return true
		}
	}
	return false
}

func (tg *targetGroup) attr(k string) string {
	if v, ok := tg.Attributes[k]; ok {
		return v
	}
	return tgDefaults[k]
}

// targetHealth is the state of one registered target now.
func (t *tx) targetHealth(tg *targetGroup, x target) (elbtypes.TargetHealthStateEnum, elbtypes.TargetHealthReasonEnum, string) {
	if !x.DrainUntil.IsZero() {
		return elbtypes.TargetHealthStateEnumDraining, elbtypes.TargetHealthReasonEnumDeregistrationInProgress, "Target deregistration is in progress"
	}
	lbs := t.tgLBs(tg)
	if len(lbs) == 0 {
		return elbtypes.TargetHealthStateEnumUnused, elbtypes.TargetHealthReasonEnumNotInUse, "Target group is not configured to receive traffic from the load balancer"
	}
	if tg.TargetType == "instance" {
		inst := t.r.EC2.Instances[x.ID]
		if inst == nil || inst.State != "running" {
			st := "terminated"
			if inst != nil {
				st = inst.State
			}
			return elbtypes.TargetHealthStateEnumUnused, elbtypes.TargetHealthReasonEnumInvalidState, "Target is in the " + st + " state"
		}
	}
	var active time.Time
	for _, a := range lbs {
		if lb := t.r.ELB.LoadBalancers[a]; lb != nil && (active.IsZero() || lb.ActiveAt.Before(active)) {
			active = lb.ActiveAt
		}
	}
	if !tg.HCEnabled {
		return elbtypes.TargetHealthStateEnumUnavailable, elbtypes.TargetHealthReasonEnumHealthCheckDisabled, "Health checks are disabled"
	}
	if t.dataPlane() {
		// A data plane serves: health is what its checks saw.
		o, ok := tg.Observed[x.ID+":"+strconv.Itoa(int(x.Port))]
		switch {
		case ok && o.State == string(elbtypes.TargetHealthStateEnumInitial) && o.Reason != "":
			return elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthReasonEnum(o.Reason), o.Desc
		case !ok || o.State == string(elbtypes.TargetHealthStateEnumInitial):
			return elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthReasonEnumRegistrationInProgress, "Target registration is in progress"
		case o.State == string(elbtypes.TargetHealthStateEnumHealthy):
			return elbtypes.TargetHealthStateEnumHealthy, "", ""
		default:
			return elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthReasonEnum(o.Reason), o.Desc
		}
	}
	healthyAt := latest(x.Registered, active).Add(t.dur(time.Duration(tg.HCInterval*tg.Healthy) * time.Second))
	if !t.reached(healthyAt) {
		return elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthReasonEnumRegistrationInProgress, "Target registration is in progress"
	}
	return elbtypes.TargetHealthStateEnumHealthy, "", ""
}

// healthyTarget reports whether a registered target is healthy now, as
// ECS sees it for task: while a data plane serves, only checks of that
// task's own server count.
func (t *tx) healthyTarget(tgARN, id string, port int32, task string) bool {
	tg := t.r.ELB.TargetGroups[tgARN]
	if tg == nil {
		return false
	}
	for _, x := range tg.Targets {
		if x.ID == id && x.Port == port {
			if o, ok := tg.Observed[targetKey(id, port)]; ok && t.dataPlane() && !o.of(task) {
				return false // the record is of an earlier task on this port
			}
			st, _, _ := t.targetHealth(tg, x)
			return st == elbtypes.TargetHealthStateEnumHealthy
		}
	}
	return false
}

func (a *elbAPI) RegisterTargets(ctx context.Context, in *elb.RegisterTargetsInput, _ ...func(*elb.Options)) (*elb.RegisterTargetsOutput, error) {
	return call(ctx, a.s, svcELB, "RegisterTargets", func(t *tx) (*elb.RegisterTargetsOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		if len(in.Targets) == 0 {
			return nil, validationError("At least one target must be specified")
		}
		for _, x := range in.Targets {
			id := aws.ToString(x.Id)
			if tg.TargetType == "instance" {
				inst := t.r.EC2.Instances[id]
				if inst == nil || inst.State == "terminated" || inst.State == "shutting-down" {
					return nil, &elbtypes.InvalidTargetException{Message: aws.String("The following targets are not in a running state and cannot be registered: '" + id + "'")}
				}
				if inst.VPC != tg.VPC {
					return nil, &elbtypes.InvalidTargetException{Message: aws.String("The following targets are not in the target group VPC '" + tg.VPC + "': '" + id + "'")}
				}
			}
			port := aws.ToInt32(x.Port)
			if port == 0 {
				port = tg.Port
			}
			t.registerTarget(tg, id, port, t.now)
		}
		return &elb.RegisterTargetsOutput{}, nil
	})
}

func (a *elbAPI) DeregisterTargets(ctx context.Context, in *elb.DeregisterTargetsInput, _ ...func(*elb.Options)) (*elb.DeregisterTargetsOutput, error) {
	return call(ctx, a.s, svcELB, "DeregisterTargets", func(t *tx) (*elb.DeregisterTargetsOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		for _, x := range in.Targets {
			id := aws.ToString(x.Id)
			if tg.TargetType == "instance" && t.r.EC2.Instances[id] == nil {
				return nil, &elbtypes.InvalidTargetException{Message: aws.String("The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type.")}
			}
			t.deregisterTarget(tg, id, aws.ToInt32(x.Port))
		}
		return &elb.DeregisterTargetsOutput{}, nil
	})
}

func (a *elbAPI) DescribeTargetHealth(ctx context.Context, in *elb.DescribeTargetHealthInput, _ ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTargetHealth", func(t *tx) (*elb.DescribeTargetHealthOutput, error) {
		tg, err := t.tgByARN(aws.ToString(in.TargetGroupArn))
		if err != nil {
			return nil, err
		}
		out := []elbtypes.TargetHealthDescription{}
		desc := func(x target) elbtypes.TargetHealthDescription {
			st, reason, d := t.targetHealth(tg, x)
			th := &elbtypes.TargetHealth{State: st, Reason: reason}
			if d != "" {
				th.Description = aws.String(d)
			}
			td := &elbtypes.TargetDescription{Id: aws.String(x.ID), Port: aws.Int32(x.Port)}
			if x.AZ != "" {
				td.AvailabilityZone = aws.String(x.AZ)
			}
			hp := tg.HCPort
			if hp == "traffic-port" {
				hp = strconv.Itoa(int(x.Port))
			}
			return elbtypes.TargetHealthDescription{Target: td, TargetHealth: th, HealthCheckPort: aws.String(hp)}
		}
		if len(in.Targets) == 0 {
			for _, x := range tg.Targets {
				out = append(out, desc(x))
			}
			return &elb.DescribeTargetHealthOutput{TargetHealthDescriptions: out}, nil
		}
		for _, want := range in.Targets {
			id, port := aws.ToString(want.Id), aws.ToInt32(want.Port)
			found := false
			for _, x := range tg.Targets {
				if x.ID == id && (port == 0 || x.Port == port) {
					out = append(out, desc(x))
					found = true
				}
			}
			if !found {
				if tg.TargetType == "instance" && t.r.EC2.Instances[id] == nil {
					return nil, &elbtypes.InvalidTargetException{Message: aws.String("The following targets are invalid: '" + id + "'")}
				}
				if port == 0 {
					port = tg.Port
				}
				out = append(out, elbtypes.TargetHealthDescription{
					Target:       &elbtypes.TargetDescription{Id: aws.String(id), Port: aws.Int32(port)},
					TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnused, Reason: elbtypes.TargetHealthReasonEnumNotRegistered, Description: aws.String("Target is not registered to the target group")},
				})
			}
		}
		return &elb.DescribeTargetHealthOutput{TargetHealthDescriptions: out}, nil
	})
}

// --- tags ---

func (t *tx) elbMeta(a string) (*Meta, error) {
	switch {
	case t.r.ELB.LoadBalancers[a] != nil:
		return &t.r.ELB.LoadBalancers[a].Meta, nil
	case t.r.ELB.TargetGroups[a] != nil:
		return &t.r.ELB.TargetGroups[a].Meta, nil
	case t.r.ELB.Listeners[a] != nil:
		return &t.r.ELB.Listeners[a].Meta, nil
	case strings.Contains(a, ":targetgroup/"):
		return nil, tgNotFound()
	case strings.Contains(a, ":listener/"):
		return nil, &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
	}
	return nil, lbNotFound()
}

func (a *elbAPI) DescribeTags(ctx context.Context, in *elb.DescribeTagsInput, _ ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	return call(ctx, a.s, svcELB, "DescribeTags", func(t *tx) (*elb.DescribeTagsOutput, error) {
		if len(in.ResourceArns) == 0 || len(in.ResourceArns) > 20 {
			return nil, validationError("1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20")
		}
		out := &elb.DescribeTagsOutput{}
		for _, a := range in.ResourceArns {
			m, err := t.elbMeta(a)
			if err != nil {
				return nil, err
			}
			out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{ResourceArn: aws.String(a), Tags: elbTags(m.Tags)})
		}
		return out, nil
	})
}

func (a *elbAPI) AddTags(ctx context.Context, in *elb.AddTagsInput, _ ...func(*elb.Options)) (*elb.AddTagsOutput, error) {
	return call(ctx, a.s, svcELB, "AddTags", func(t *tx) (*elb.AddTagsOutput, error) {
		kv, err := elbTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, a := range in.ResourceArns {
			m, err := t.elbMeta(a)
			if err != nil {
				return nil, err
			}
			m.setTags(kv)
			if len(m.Tags) > 50 {
				return nil, &elbtypes.TooManyTagsException{Message: aws.String("The quota for the number of tags that can be assigned to a resource has been reached")}
			}
		}
		return &elb.AddTagsOutput{}, nil
	})
}

func advanceLoadBalancers(t *tx) {
	for _, k := range sortedKeys(t.r.ELB.TargetGroups) {
		tg := t.r.ELB.TargetGroups[k]
		kept := tg.Targets[:0]
		for _, x := range tg.Targets {
			if t.reached(x.DrainUntil) {
				t.touch()
				continue
			}
			kept = append(kept, x)
		}
		tg.Targets = kept
	}
}
