package sandbox

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Instances are launched only by Auto Scaling groups (RunInstances is not
// in cloud.EC2); they pass pending → running on the clock, and
// shutting-down → terminated after TerminateInstances, then stay listed for
// an hour as on AWS. Every instance has a primary ENI in its subnet, which
// holds the subnet, the security groups and (with a public IP) the
// internet gateway.

type instance struct {
	Meta
	Reservation string    `json:"reservation"`
	Image       string    `json:"image"`
	Type        string    `json:"type"`
	Arch        string    `json:"arch"`
	Subnet      string    `json:"subnet"`
	VPC         string    `json:"vpc"`
	AZ          string    `json:"az"`
	ENI         string    `json:"eni"`
	PrivateIP   string    `json:"private_ip"`
	PublicIP    string    `json:"public_ip,omitempty"`
	SGs         []string  `json:"security_groups"`
	ProfileARN  string    `json:"instance_profile_arn,omitempty"`
	ProfileID   string    `json:"instance_profile_id,omitempty"`
	UserData    string    `json:"user_data,omitempty"`
	KeyName     string    `json:"key_name,omitempty"`
	LT          *ltRef    `json:"launch_template,omitempty"`
	ASG         string    `json:"asg,omitempty"`
	HTTPTokens  string    `json:"http_tokens"`
	HopLimit    int32     `json:"hop_limit"`
	Volumes     []volume  `json:"volumes"`
	State       string    `json:"state"`
	Reason      string    `json:"state_reason,omitempty"` // code: message
	Transition  string    `json:"state_transition_reason,omitempty"`
	Launched    time.Time `json:"launched"`
	RunningAt   time.Time `json:"running_at"`
	StopAt      time.Time `json:"stop_at,omitempty"`
	GoneAt      time.Time `json:"gone_at,omitempty"`
}

type ltRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

type volume struct {
	Device    string `json:"device"`
	ID        string `json:"id"`
	SizeGiB   int32  `json:"size_gib"`
	Type      string `json:"type"`
	Encrypted bool   `json:"encrypted"`
	KMSKey    string `json:"kms_key,omitempty"`
}

func (t *tx) instanceByID(id string) (*instance, error) {
	return ec2ByID(t, t.r.EC2.Instances, instanceKind, id)
}

var stateCodes = map[string]int32{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func instState(s string) *ec2types.InstanceState {
	return &ec2types.InstanceState{Name: ec2types.InstanceStateName(s), Code: aws.Int32(stateCodes[s])}
}

func privateDNS(ip, region string) string {
	h := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return h + ".ec2.internal"
	}
	return h + "." + region + ".compute.internal"
}

func publicDNS(ip, region string) string {
	if ip == "" {
		return ""
	}
	h := "ec2-" + strings.ReplaceAll(ip, ".", "-")
	if region == "us-east-1" {
		return h + ".compute-1.amazonaws.com"
	}
	return h + "." + region + ".compute.amazonaws.com"
}

func (t *tx) instanceOut(i *instance) ec2types.Instance {
	rn := t.regionName()
	out := ec2types.Instance{
		InstanceId: aws.String(i.ID), ImageId: aws.String(i.Image), InstanceType: ec2types.InstanceType(i.Type),
		Architecture: ec2types.ArchitectureValues(i.Arch), LaunchTime: tp(i.Launched), State: instState(i.State),
		Placement: &ec2types.Placement{AvailabilityZone: aws.String(i.AZ), AvailabilityZoneId: aws.String(zoneID(rn, i.AZ)), Tenancy: ec2types.TenancyDefault, GroupName: aws.String("")},
		Tags:      ec2Tags(i.Tags), AmiLaunchIndex: aws.Int32(0), Hypervisor: ec2types.HypervisorTypeXen,
		RootDeviceName: aws.String("/dev/xvda"), RootDeviceType: ec2types.DeviceTypeEbs, VirtualizationType: ec2types.VirtualizationTypeHvm,
		EbsOptimized: aws.Bool(true), EnaSupport: aws.Bool(true), SourceDestCheck: aws.Bool(true),
		Monitoring:      &ec2types.Monitoring{State: ec2types.MonitoringStateDisabled},
		PlatformDetails: aws.String("Linux/UNIX"), UsageOperation: aws.String("RunInstances"),
		StateTransitionReason: aws.String(i.Transition),
		MetadataOptions: &ec2types.InstanceMetadataOptionsResponse{
			State: ec2types.InstanceMetadataOptionsStateApplied, HttpTokens: ec2types.HttpTokensState(i.HTTPTokens),
			HttpPutResponseHopLimit: aws.Int32(i.HopLimit), HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled,
			HttpProtocolIpv6: ec2types.InstanceMetadataProtocolStateDisabled, InstanceMetadataTags: ec2types.InstanceMetadataTagsStateDisabled,
		},
	}
	if i.KeyName != "" {
		out.KeyName = aws.String(i.KeyName)
	}
	if i.Reason != "" {
		code, msg, _ := strings.Cut(i.Reason, ": ")
		out.StateReason = &ec2types.StateReason{Code: aws.String(code), Message: aws.String(i.Reason)}
		_ = msg
	}
	if i.ProfileARN != "" {
		out.IamInstanceProfile = &ec2types.IamInstanceProfile{Arn: aws.String(i.ProfileARN), Id: aws.String(i.ProfileID)}
	}
	if i.State != "terminated" {
		out.SubnetId, out.VpcId = aws.String(i.Subnet), aws.String(i.VPC)
		out.PrivateIpAddress = aws.String(i.PrivateIP)
		out.PrivateDnsName = aws.String(privateDNS(i.PrivateIP, rn))
		out.PublicDnsName = aws.String(publicDNS(i.PublicIP, rn))
		if i.PublicIP != "" {
			out.PublicIpAddress = aws.String(i.PublicIP)
		}
		for _, id := range i.SGs {
			gi := ec2types.GroupIdentifier{GroupId: aws.String(id)}
			if g := t.r.EC2.SecurityGroups[id]; g != nil {
				gi.GroupName = aws.String(g.Name)
			}
			out.SecurityGroups = append(out.SecurityGroups, gi)
		}
		ni := ec2types.InstanceNetworkInterface{
			NetworkInterfaceId: aws.String(i.ENI), SubnetId: aws.String(i.Subnet), VpcId: aws.String(i.VPC),
			PrivateIpAddress: aws.String(i.PrivateIP), Status: ec2types.NetworkInterfaceStatusInUse,
			Groups: out.SecurityGroups, OwnerId: aws.String(t.account()), InterfaceType: aws.String("interface"),
			Attachment: &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: aws.Int32(0), Status: ec2types.AttachmentStatusAttached,
				DeleteOnTermination: aws.Bool(true), AttachTime: tp(i.Launched), NetworkCardIndex: aws.Int32(0)},
		}
		if e := t.r.EC2.ENIs[i.ENI]; e != nil {
			ni.MacAddress = aws.String(e.MAC)
			ni.Attachment.AttachmentId = aws.String(e.AttachID)
		}
		if i.PublicIP != "" {
			ni.Association = &ec2types.InstanceNetworkInterfaceAssociation{PublicIp: aws.String(i.PublicIP),
				PublicDnsName: aws.String(publicDNS(i.PublicIP, rn)), IpOwnerId: aws.String("amazon")}
		}
		out.NetworkInterfaces = []ec2types.InstanceNetworkInterface{ni}
		for _, v := range i.Volumes {
			out.BlockDeviceMappings = append(out.BlockDeviceMappings, ec2types.InstanceBlockDeviceMapping{
				DeviceName: aws.String(v.Device),
				Ebs: &ec2types.EbsInstanceBlockDevice{VolumeId: aws.String(v.ID), Status: ec2types.AttachmentStatusAttached,
					DeleteOnTermination: aws.Bool(true), AttachTime: tp(i.Launched)},
			})
		}
	} else {
		out.PrivateDnsName, out.PublicDnsName = aws.String(""), aws.String("")
	}
	return out
}

func instanceFields(i *instance, t *tx) fields {
	f := fields{
		"instance-id": {i.ID}, "instance-state-name": {i.State}, "instance-state-code": {strconv.Itoa(int(stateCodes[i.State]))},
		"instance-type": {i.Type}, "image-id": {i.Image}, "availability-zone": {i.AZ}, "architecture": {i.Arch},
		"reservation-id": {i.Reservation}, "owner-id": {accountOf(t)},
		"vpc-id": nil, "subnet-id": nil, "private-ip-address": nil, "ip-address": nil, "group-id": nil, "instance.group-id": nil,
		"network-interface.network-interface-id": nil, "iam-instance-profile.arn": nil, "launch-time": {i.Launched.Format(time.RFC3339)},
		"metadata-options.http-tokens": {i.HTTPTokens}, "private-dns-name": nil,
	}
	if i.State != "terminated" {
		f["vpc-id"], f["subnet-id"] = []string{i.VPC}, []string{i.Subnet}
		f["private-ip-address"] = []string{i.PrivateIP}
		if t != nil {
			f["private-dns-name"] = []string{privateDNS(i.PrivateIP, t.regionName())}
		}
		if i.PublicIP != "" {
			f["ip-address"] = []string{i.PublicIP}
		}
		f["group-id"], f["instance.group-id"] = i.SGs, i.SGs
		f["network-interface.network-interface-id"] = []string{i.ENI}
	}
	if i.ProfileARN != "" {
		f["iam-instance-profile.arn"] = []string{i.ProfileARN}
	}
	return f
}

func (a *ec2API) DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeInstances", func(t *tx) (*ec2.DescribeInstancesOutput, error) {
		if err := checkFilters(in.Filters, instanceFields(&instance{}, nil)); err != nil {
			return nil, err
		}
		var missing []string
		for _, id := range in.InstanceIds {
			if _, err := t.instanceByID(id); err != nil {
				if ErrorCode(err) != "InvalidInstanceID.NotFound" {
					return nil, err
				}
				missing = append(missing, id)
			}
		}
		if len(missing) == 1 {
			return nil, errf("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", missing[0])
		} else if len(missing) > 1 {
			return nil, errf("InvalidInstanceID.NotFound", "The instance IDs '%s' do not exist", strings.Join(missing, ", "))
		}
		ids := newIDSet(in.InstanceIds)
		var res []ec2types.Reservation
		for _, id := range sortedKeys(t.r.EC2.Instances) {
			i := t.r.EC2.Instances[id]
			if !ids.has(id) || t.hidden(i.Created) || !matchFilters(in.Filters, i.Tags, instanceFields(i, t)) {
				continue
			}
			res = append(res, ec2types.Reservation{ReservationId: aws.String(i.Reservation), OwnerId: aws.String(t.account()),
				RequesterId: aws.String("940372691376"), Instances: []ec2types.Instance{t.instanceOut(i)}})
		}
		items, next, err := paginateEC2(res, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeInstancesOutput{Reservations: items, NextToken: next}, nil
	})
}

func (a *ec2API) TerminateInstances(ctx context.Context, in *ec2.TerminateInstancesInput, _ ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error) {
	return call(ctx, a.s, svcEC2, "TerminateInstances", func(t *tx) (*ec2.TerminateInstancesOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if len(in.InstanceIds) == 0 {
			return nil, missingParam("InstanceId")
		}
		var missing []string
		for _, id := range in.InstanceIds {
			if _, err := t.instanceByID(id); err != nil {
				if ErrorCode(err) != "InvalidInstanceID.NotFound" {
					return nil, err
				}
				missing = append(missing, id)
			}
		}
		if len(missing) == 1 {
			return nil, errf("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", missing[0])
		} else if len(missing) > 1 {
			return nil, errf("InvalidInstanceID.NotFound", "The instance IDs '%s' do not exist", strings.Join(missing, ", "))
		}
		out := &ec2.TerminateInstancesOutput{}
		for _, id := range in.InstanceIds {
			i := t.r.EC2.Instances[id]
			prev := i.State
			t.stopInstance(i, t.now, "", "")
			out.TerminatingInstances = append(out.TerminatingInstances, ec2types.InstanceStateChange{
				InstanceId: aws.String(id), PreviousState: instState(prev), CurrentState: instState(i.State)})
		}
		return out, nil
	})
}
