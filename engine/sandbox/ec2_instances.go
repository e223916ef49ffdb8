package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
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

type eni struct {
	Meta
	Subnet      string    `json:"subnet"`
	VPC         string    `json:"vpc"`
	AZ          string    `json:"az"`
	PrivateIP   string    `json:"private_ip"`
	PublicIP    string    `json:"public_ip,omitempty"`
	MAC         string    `json:"mac"`
	Desc        string    `json:"description"`
	SGs         []string  `json:"security_groups"`
	RequesterID string    `json:"requester_id,omitempty"` // amazon-elb, amazon-rds … (requester-managed)
	Instance    string    `json:"instance,omitempty"`
	AttachID    string    `json:"attach_id,omitempty"`
	Owner       string    `json:"owner,omitempty"` // the resource it belongs to (lb ARN, db id, fsmt id, instance id)
	ReleaseAt   time.Time `json:"release_at,omitempty"`
}

// --- instance types ---

var instanceTypeRE = regexp.MustCompile(`^([a-z]+)(\d+)([a-z\-]*)\.(nano|micro|small|medium|large|xlarge|(\d+)xlarge|metal)$`)

// instanceCapacity is what an instance type offers ECS: CPU units
// (1024 per vCPU), registered memory in MiB (the agent keeps about 5 % back)
// and the architecture.
func instanceCapacity(t string) (cpu, mem int, arch string, ok bool) {
	m := instanceTypeRE.FindStringSubmatch(t)
	if m == nil {
		return 0, 0, "", false
	}
	family, size := m[1], m[4]
	arch = "x86_64"
	if strings.Contains(m[3], "g") {
		arch = "arm64"
	}
	var vcpu int
	var gib float64
	if family == "t" {
		switch size {
		case "nano":
			vcpu, gib = 2, 0.5
		case "micro":
			vcpu, gib = 2, 1
		case "small":
			vcpu, gib = 2, 2
		case "medium":
			vcpu, gib = 2, 4
		case "large":
			vcpu, gib = 2, 8
		}
	}
	if vcpu == 0 {
		switch size {
		case "nano", "micro", "small":
			return 0, 0, "", false
		case "medium":
			vcpu = 1
		case "large":
			vcpu = 2
		case "xlarge":
			vcpu = 4
		case "metal":
			vcpu = 96
		default:
			n, _ := strconv.Atoi(m[5])
			vcpu = 4 * n
		}
		per := 4.0
		switch family {
		case "c":
			per = 2
		case "r", "x", "z":
			per = 8
		}
		if family == "t" {
			per = 4
		}
		gib = float64(vcpu) * per
	}
	return vcpu * 1024, int(gib * 1024 * 0.95), arch, true
}

// --- lookups ---

func (t *tx) instanceByID(id string) (*instance, error) {
	if !strings.HasPrefix(id, "i-") {
		return nil, malformed("InvalidInstanceID.Malformed", id)
	}
	i := t.r.EC2.Instances[id]
	if i == nil || t.hidden(i.Created) {
		return nil, errf("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
	}
	return i, nil
}

// ec2Meta finds any taggable EC2 resource by id.
func (t *tx) ec2Meta(id string) (*Meta, error) {
	e := &t.r.EC2
	switch {
	case strings.HasPrefix(id, "vpc-"):
		v, err := t.vpcByID(id)
		if err != nil {
			return nil, err
		}
		return &v.Meta, nil
	case strings.HasPrefix(id, "subnet-"):
		s, err := t.subnetByID(id)
		if err != nil {
			return nil, err
		}
		return &s.Meta, nil
	case strings.HasPrefix(id, "igw-"):
		g, err := t.igwByID(id)
		if err != nil {
			return nil, err
		}
		return &g.Meta, nil
	case strings.HasPrefix(id, "rtb-"):
		r, err := t.rtbByID(id)
		if err != nil {
			return nil, err
		}
		return &r.Meta, nil
	case strings.HasPrefix(id, "sg-"):
		g, err := t.sgByID(id)
		if err != nil {
			return nil, err
		}
		return &g.Meta, nil
	case strings.HasPrefix(id, "i-"):
		i, err := t.instanceByID(id)
		if err != nil {
			return nil, err
		}
		return &i.Meta, nil
	case strings.HasPrefix(id, "eni-"):
		if n := e.ENIs[id]; n != nil {
			return &n.Meta, nil
		}
		return nil, errf("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
	case strings.HasPrefix(id, "lt-"):
		if lt := e.LaunchTemplates[id]; lt != nil {
			return &lt.Meta, nil
		}
		return nil, errf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
	}
	return nil, errf("InvalidID", "The ID '%s' is not valid", id)
}

// --- ENIs ---

// newENI allocates an address in a subnet. requester is "" for ENIs of
// instances, else the AWS service that manages it ("amazon-elb" …).
func (t *tx) newENI(s *subnet, sgs []string, desc string, public bool, requester, owner string, at time.Time) (*eni, error) {
	p := netip.MustParsePrefix(s.CIDR)
	used := map[string]bool{}
	for _, e := range t.r.EC2.ENIs {
		if e.Subnet == s.ID {
			used[e.PrivateIP] = true
		}
	}
	if len(used) >= hostCount(p) {
		return nil, errf("InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", s.ID)
	}
	a := p.Addr()
	for i := 0; i < 4; i++ { // network, router, DNS, reserved
		a = a.Next()
	}
	for used[a.String()] {
		a = a.Next()
	}
	id := ec2ID("eni")
	e := &eni{Meta: Meta{ID: id, ARN: t.arn("ec2", "network-interface/"+id), Created: at},
		Subnet: s.ID, VPC: s.VPC, AZ: s.AZ, PrivateIP: a.String(), Desc: desc, SGs: append([]string(nil), sgs...),
		RequesterID: requester, Owner: owner, MAC: macAddr()}
	if public {
		e.PublicIP = publicIP()
	}
	t.r.EC2.ENIs[id] = e
	return e, nil
}

// releaseENIs lets go of the ENIs an owner holds: requester-managed ones
// linger a few seconds (as ELB's and RDS's do), an instance's go at once.
func (t *tx) releaseENIs(owner string, linger bool) {
	for _, id := range sortedKeys(t.r.EC2.ENIs) {
		e := t.r.EC2.ENIs[id]
		if e.Owner != owner {
			continue
		}
		if linger {
			if e.ReleaseAt.IsZero() {
				e.ReleaseAt = t.at(paceENIRelease)
			}
		} else {
			delete(t.r.EC2.ENIs, id)
		}
	}
}

// setENIGroups replaces the security groups of an owner's ENIs.
func (t *tx) setENIGroups(owner string, sgs []string) {
	for _, e := range t.r.EC2.ENIs {
		if e.Owner == owner && e.ReleaseAt.IsZero() {
			e.SGs = append([]string(nil), sgs...)
		}
	}
}

// checkGroupsInVPC validates security group ids for a resource in a VPC.
func (t *tx) checkGroupsInVPC(sgs []string, vpcID string) error {
	for _, id := range sgs {
		g, err := t.sgByID(id)
		if err != nil {
			return err
		}
		if g.VPC != vpcID {
			return errf("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", id, vpcID)
		}
	}
	return nil
}

func macAddr() string {
	b := randBytes(5)
	return fmt.Sprintf("0e:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4])
}

func publicIP() string {
	firsts := []int{3, 18, 34, 44, 52, 54}
	b := randBytes(3)
	return fmt.Sprintf("%d.%d.%d.%d", firsts[randIntn(len(firsts))], b[0], b[1], 1+int(b[2])%253)
}

// --- launching (for Auto Scaling) ---

type launchSpec struct {
	LT      *launchTemplate
	Version string // "$Default", "$Latest" or a number
	Subnet  *subnet
	ASG     string
	Tags    map[string]string // tags the group propagates, plus aws:autoscaling:groupName
	Type    string            // an override of the template's instance type
}

// ltData resolves a template version's data.
func (lt *launchTemplate) version(v string) *ltVersion {
	n := lt.Default
	switch v {
	case "", "$Default":
	case "$Latest":
		n = lt.Latest
	default:
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil
		}
		n = x
	}
	for _, ver := range lt.Versions {
		if ver.Number == n {
			return ver
		}
	}
	return nil
}

// launch starts an instance as EC2 would for an Auto Scaling group at time
// at. A request EC2 would refuse returns its error (the group records a
// failed activity); a launch that EC2 accepts but can't complete (an
// unusable KMS key for the volumes) returns an instance that goes straight
// to terminated with Client.InternalError, as on AWS.
func (t *tx) launch(spec launchSpec, at time.Time) (*instance, error) {
	ver := spec.LT.version(spec.Version)
	if ver == nil {
		return nil, errf("InvalidLaunchTemplateId.VersionNotFound", "The specified launch template version %s for template %s does not exist.", spec.Version, spec.LT.ID)
	}
	d := ver.Data
	image := aws.ToString(d.ImageId)
	if strings.HasPrefix(image, "resolve:ssm:") {
		v, ok := t.resolveSSM(strings.TrimPrefix(image, "resolve:ssm:"))
		if !ok {
			return nil, errf("InvalidParameterValue", "Unable to resolve SSM parameter %s", strings.TrimPrefix(image, "resolve:ssm:"))
		}
		image = v
	}
	if image == "" {
		return nil, errf("MissingParameter", "The request must contain the parameter ImageId")
	}
	if !strings.HasPrefix(image, "ami-") {
		return nil, errf("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", image)
	}
	itype := spec.Type
	if itype == "" {
		itype = string(d.InstanceType)
	}
	if itype == "" {
		itype = "m1.small"
	}
	_, _, arch, ok := instanceCapacity(itype)
	if !ok {
		return nil, errf("InvalidParameterValue", "Invalid value '%s' for InstanceType.", itype)
	}
	s := spec.Subnet
	sgs := append([]string(nil), d.SecurityGroupIds...)
	public := s.MapPublicIP
	if len(d.NetworkInterfaces) > 0 {
		ni := d.NetworkInterfaces[0]
		sgs = append(sgs, ni.Groups...)
		if ni.AssociatePublicIpAddress != nil {
			public = *ni.AssociatePublicIpAddress
		}
	}
	for _, name := range d.SecurityGroups {
		found := ""
		for _, k := range sortedKeys(t.r.EC2.SecurityGroups) {
			if g := t.r.EC2.SecurityGroups[k]; g.VPC == s.VPC && g.Name == name {
				found = g.ID
			}
		}
		if found == "" {
			return nil, errf("InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", name, s.VPC)
		}
		sgs = append(sgs, found)
	}
	if len(sgs) == 0 {
		for _, k := range sortedKeys(t.r.EC2.SecurityGroups) {
			if g := t.r.EC2.SecurityGroups[k]; g.VPC == s.VPC && g.Default {
				sgs = append(sgs, g.ID)
			}
		}
	}
	if err := t.checkGroupsInVPC(sgs, s.VPC); err != nil {
		return nil, err
	}
	var profARN, profID string
	if p := d.IamInstanceProfile; p != nil && (p.Arn != nil || p.Name != nil) {
		ip := t.profileByRef(aws.ToString(p.Arn), aws.ToString(p.Name))
		if ip == nil {
			ref := aws.ToString(p.Name)
			param := "iamInstanceProfile.name"
			if ref == "" {
				ref, param = aws.ToString(p.Arn), "iamInstanceProfile.arn"
			}
			return nil, errf("InvalidParameterValue", "Value (%s) for parameter %s is invalid. Invalid IAM Instance Profile name", ref, param)
		}
		profARN, profID = ip.ARN, ip.ProfileID
	}
	var vols []volume
	kmsBad := ""
	for _, bd := range d.BlockDeviceMappings {
		if bd.Ebs == nil {
			continue
		}
		v := volume{Device: aws.ToString(bd.DeviceName), ID: ec2ID("vol"), SizeGiB: aws.ToInt32(bd.Ebs.VolumeSize),
			Type: string(bd.Ebs.VolumeType), Encrypted: aws.ToBool(bd.Ebs.Encrypted), KMSKey: aws.ToString(bd.Ebs.KmsKeyId)}
		if v.Type == "" {
			v.Type = "gp2"
		}
		if v.SizeGiB == 0 {
			v.SizeGiB = 30
		}
		if v.KMSKey != "" {
			k := t.kmsKey(v.KMSKey)
			if k == nil || k.State != "Enabled" {
				kmsBad = v.KMSKey
			} else {
				v.KMSKey = k.ARN
			}
		}
		vols = append(vols, v)
	}
	if len(vols) == 0 {
		vols = []volume{{Device: "/dev/xvda", ID: ec2ID("vol"), SizeGiB: 30, Type: "gp3"}}
	}
	id := ec2ID("i")
	n, err := t.newENI(s, sgs, "", public, "", id, at)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, ts := range d.TagSpecifications {
		if ts.ResourceType == ec2types.ResourceTypeInstance {
			for k, v := range fromEC2Tags(ts.Tags) {
				tags[k] = v
			}
		}
	}
	for k, v := range spec.Tags {
		tags[k] = v
	}
	if len(tags) == 0 {
		tags = nil
	}
	tokens, hop := "optional", int32(1)
	if mo := d.MetadataOptions; mo != nil {
		if mo.HttpTokens != "" {
			tokens = string(mo.HttpTokens)
		}
		if mo.HttpPutResponseHopLimit != nil {
			hop = *mo.HttpPutResponseHopLimit
		}
	}
	if strings.Contains(spec.Version, "$") {
		spec.Version = strconv.FormatInt(ver.Number, 10)
	}
	i := &instance{
		Meta:        Meta{ID: id, ARN: t.arn("ec2", "instance/"+id), Created: at, Tags: tags},
		Reservation: ec2ID("r"), Image: image, Type: itype, Arch: arch, Subnet: s.ID, VPC: s.VPC, AZ: s.AZ,
		ENI: n.ID, PrivateIP: n.PrivateIP, PublicIP: n.PublicIP, SGs: sgs, ProfileARN: profARN, ProfileID: profID,
		UserData: aws.ToString(d.UserData), KeyName: aws.ToString(d.KeyName),
		LT: &ltRef{ID: spec.LT.ID, Name: spec.LT.Name, Version: spec.Version}, ASG: spec.ASG,
		HTTPTokens: tokens, HopLimit: hop, Volumes: vols, State: "pending",
		Launched: at, RunningAt: at.Add(t.dur(paceInstanceRunning)),
	}
	n.Instance, n.AttachID = id, ec2ID("eni-attach")
	t.r.EC2.Instances[id] = i
	if kmsBad != "" {
		t.stopInstance(i, at, "Client.InternalError: Client error on launch", "")
		i.GoneAt = at
	}
	return i, nil
}

// stopInstance begins terminating an instance at time at.
func (t *tx) stopInstance(i *instance, at time.Time, reason, transition string) {
	if i.State == "shutting-down" || i.State == "terminated" {
		return
	}
	i.State = "shutting-down"
	i.StopAt = at
	i.GoneAt = at.Add(t.dur(paceInstanceStopping))
	if reason != "" {
		i.Reason = reason
	} else {
		i.Reason = "Client.UserInitiatedShutdown: User initiated shutdown"
	}
	if transition == "" {
		transition = fmt.Sprintf("User initiated (%s)", at.UTC().Format("2006-01-02 15:04:05 MST"))
	}
	i.Transition = transition
}

func advanceInstances(t *tx) {
	for _, id := range sortedKeys(t.r.EC2.Instances) {
		i := t.r.EC2.Instances[id]
		switch i.State {
		case "pending":
			if t.reached(i.RunningAt) {
				i.State = "running"
				t.touch()
			}
		case "shutting-down":
			if t.reached(i.GoneAt) {
				i.State = "terminated"
				i.PublicIP = ""
				t.releaseENIs(i.ID, false)
				t.touch()
			}
		case "terminated":
			if !i.GoneAt.IsZero() && t.now.Sub(i.GoneAt) > paceTerminatedVisible {
				delete(t.r.EC2.Instances, id)
				t.touch()
			}
		}
	}
	// Terminated instances stay listed for an hour; keep at most 200 of
	// them (a group failing launches in a loop would pile them up).
	var gone []*instance
	for _, id := range sortedKeys(t.r.EC2.Instances) {
		if i := t.r.EC2.Instances[id]; i.State == "terminated" {
			gone = append(gone, i)
		}
	}
	if len(gone) > 200 {
		sort.Slice(gone, func(a, b int) bool { return gone[a].GoneAt.Before(gone[b].GoneAt) })
		for _, i := range gone[:len(gone)-200] {
			delete(t.r.EC2.Instances, i.ID)
		}
		t.touch()
	}
	for _, id := range sortedKeys(t.r.EC2.ENIs) {
		if e := t.r.EC2.ENIs[id]; t.reached(e.ReleaseAt) {
			delete(t.r.EC2.ENIs, id)
			t.touch()
		}
	}
}

// --- instances API ---

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

func (t *tx) eniOut(e *eni) ec2types.NetworkInterface {
	rn := t.regionName()
	out := ec2types.NetworkInterface{
		NetworkInterfaceId: aws.String(e.ID), SubnetId: aws.String(e.Subnet), VpcId: aws.String(e.VPC),
		AvailabilityZone: aws.String(e.AZ), AvailabilityZoneId: aws.String(zoneID(rn, e.AZ)),
		PrivateIpAddress: aws.String(e.PrivateIP), PrivateDnsName: aws.String(privateDNS(e.PrivateIP, rn)),
		MacAddress: aws.String(e.MAC), Description: aws.String(e.Desc), OwnerId: aws.String(t.account()),
		InterfaceType: ec2types.NetworkInterfaceTypeInterface, Status: ec2types.NetworkInterfaceStatusInUse,
		RequesterManaged: aws.Bool(e.RequesterID != ""), SourceDestCheck: aws.Bool(true), TagSet: ec2Tags(e.Tags),
		PrivateIpAddresses: []ec2types.NetworkInterfacePrivateIpAddress{{Primary: aws.Bool(true), PrivateIpAddress: aws.String(e.PrivateIP),
			PrivateDnsName: aws.String(privateDNS(e.PrivateIP, rn))}},
	}
	if e.RequesterID != "" {
		out.RequesterId = aws.String(e.RequesterID)
	}
	for _, id := range e.SGs {
		gi := ec2types.GroupIdentifier{GroupId: aws.String(id)}
		if g := t.r.EC2.SecurityGroups[id]; g != nil {
			gi.GroupName = aws.String(g.Name)
		}
		out.Groups = append(out.Groups, gi)
	}
	if e.PublicIP != "" {
		out.Association = &ec2types.NetworkInterfaceAssociation{PublicIp: aws.String(e.PublicIP), IpOwnerId: aws.String("amazon"),
			PublicDnsName: aws.String(publicDNS(e.PublicIP, rn))}
	}
	att := &ec2types.NetworkInterfaceAttachment{AttachmentId: aws.String(e.AttachID), DeviceIndex: aws.Int32(1),
		Status: ec2types.AttachmentStatusAttached, AttachTime: tp(e.Created), DeleteOnTermination: aws.Bool(false),
		InstanceOwnerId: aws.String("amazon-aws")}
	if e.Instance != "" {
		att.InstanceId, att.InstanceOwnerId = aws.String(e.Instance), aws.String(t.account())
		att.DeviceIndex, att.DeleteOnTermination = aws.Int32(0), aws.Bool(true)
	}
	if e.AttachID == "" {
		att.AttachmentId = aws.String(ec2ID("ela-attach"))
	}
	if !e.ReleaseAt.IsZero() {
		att.Status = ec2types.AttachmentStatusDetaching
	}
	out.Attachment = att
	return out
}

func eniFields(e *eni, t *tx) fields {
	return fields{
		"network-interface-id": {e.ID}, "subnet-id": {e.Subnet}, "vpc-id": {e.VPC}, "availability-zone": {e.AZ},
		"private-ip-address": {e.PrivateIP}, "addresses.private-ip-address": {e.PrivateIP}, "description": {e.Desc},
		"group-id": e.SGs, "status": {"in-use"}, "requester-managed": {boolStr(e.RequesterID != "")},
		"requester-id": {e.RequesterID}, "interface-type": {"interface"}, "attachment.instance-id": {e.Instance},
		"attachment.status": {"attached"}, "owner-id": {accountOf(t)}, "mac-address": {e.MAC},
		"association.public-ip": {e.PublicIP},
	}
}

func (a *ec2API) DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, _ ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeNetworkInterfaces", func(t *tx) (*ec2.DescribeNetworkInterfacesOutput, error) {
		if err := checkFilters(in.Filters, eniFields(&eni{}, nil)); err != nil {
			return nil, err
		}
		for _, id := range in.NetworkInterfaceIds {
			if t.r.EC2.ENIs[id] == nil {
				return nil, errf("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
			}
		}
		ids := newIDSet(in.NetworkInterfaceIds)
		var out []ec2types.NetworkInterface
		for _, id := range sortedKeys(t.r.EC2.ENIs) {
			e := t.r.EC2.ENIs[id]
			if !ids.has(id) || t.hidden(e.Created) || !matchFilters(in.Filters, e.Tags, eniFields(e, t)) {
				continue
			}
			out = append(out, t.eniOut(e))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: items, NextToken: next}, nil
	})
}

func (a *ec2API) DeleteNetworkInterface(ctx context.Context, in *ec2.DeleteNetworkInterfaceInput, _ ...func(*ec2.Options)) (*ec2.DeleteNetworkInterfaceOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteNetworkInterface", func(t *tx) (*ec2.DeleteNetworkInterfaceOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		id := aws.ToString(in.NetworkInterfaceId)
		if !strings.HasPrefix(id, "eni-") {
			return nil, malformed("InvalidNetworkInterfaceID.Malformed", id)
		}
		e := t.r.EC2.ENIs[id]
		if e == nil {
			return nil, errf("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
		}
		// Every ENI the sandbox makes is attached to its owner, as AWS's
		// requester-managed ones are until their owner lets go.
		return nil, errf("InvalidNetworkInterface.InUse", "The network interface '%s' is currently in use.", id)
	})
}

// --- tags ---

func (a *ec2API) CreateTags(ctx context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateTags", func(t *tx) (*ec2.CreateTagsOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		if len(in.Resources) == 0 {
			return nil, missingParam("ResourceId")
		}
		kv := fromEC2Tags(in.Tags)
		if k, bad := reservedTag(kv); bad {
			return nil, errf("InvalidParameterValue", "Value ( %s ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", k)
		}
		for _, id := range in.Resources {
			if strings.HasPrefix(id, "sgr-") {
				r := t.sgRuleByID(id)
				if r == nil {
					return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
				}
				if r.Tags == nil {
					r.Tags = map[string]string{}
				}
				for k, v := range kv {
					r.Tags[k] = v
				}
				continue
			}
			m, err := t.ec2Meta(id)
			if err != nil {
				return nil, err
			}
			m.setTags(kv)
			if len(m.Tags) > 50 {
				return nil, errf("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
			}
		}
		return &ec2.CreateTagsOutput{}, nil
	})
}

func (t *tx) sgRuleByID(id string) *sgRule {
	for _, g := range t.r.EC2.SecurityGroups {
		for i := range g.Rules {
			if g.Rules[i].ID == id {
				return &g.Rules[i]
			}
		}
	}
	return nil
}

func (a *ec2API) DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteTags", func(t *tx) (*ec2.DeleteTagsOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		for _, id := range in.Resources {
			var tags map[string]string
			if strings.HasPrefix(id, "sgr-") {
				r := t.sgRuleByID(id)
				if r == nil {
					return nil, errf("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
				}
				tags = r.Tags
			} else {
				m, err := t.ec2Meta(id)
				if err != nil {
					return nil, err
				}
				tags = m.Tags
			}
			if len(in.Tags) == 0 {
				for k := range tags {
					if !strings.HasPrefix(k, "aws:") {
						delete(tags, k)
					}
				}
			}
			for _, tg := range in.Tags {
				k := aws.ToString(tg.Key)
				if v, ok := tags[k]; ok && (tg.Value == nil || *tg.Value == v) {
					delete(tags, k)
				}
			}
		}
		return &ec2.DeleteTagsOutput{}, nil
	})
}

// --- launch templates ---

type launchTemplate struct {
	Meta
	Name     string       `json:"name"`
	Default  int64        `json:"default"`
	Latest   int64        `json:"latest"`
	Versions []*ltVersion `json:"versions"`
}

type ltVersion struct {
	Number      int64                               `json:"number"`
	Description string                              `json:"description,omitempty"`
	Created     time.Time                           `json:"created"`
	Data        ec2types.ResponseLaunchTemplateData `json:"data"`
}

var ltNameRE = regexp.MustCompile(`^[a-zA-Z0-9().\-/_]{3,128}$`)

// ltDataFromRequest converts request data to response data: the field
// names match, so a JSON round trip does it.
func ltDataFromRequest(in *ec2types.RequestLaunchTemplateData) (ec2types.ResponseLaunchTemplateData, error) {
	var out ec2types.ResponseLaunchTemplateData
	if in == nil {
		return out, nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(b, &out)
	return out, err
}

// mergeLTData overlays the fields set in req onto base (CreateLaunchTemplateVersion
// with a SourceVersion).
func mergeLTData(base ec2types.ResponseLaunchTemplateData, req *ec2types.RequestLaunchTemplateData) (ec2types.ResponseLaunchTemplateData, error) {
	var bm, rm map[string]json.RawMessage
	b, _ := json.Marshal(base)
	_ = json.Unmarshal(b, &bm)
	r, _ := json.Marshal(req)
	_ = json.Unmarshal(r, &rm)
	for k, v := range rm {
		if string(v) != "null" {
			bm[k] = v
		}
	}
	m, _ := json.Marshal(bm)
	var out ec2types.ResponseLaunchTemplateData
	err := json.Unmarshal(m, &out)
	return out, err
}

func checkLTData(d *ec2types.RequestLaunchTemplateData) error {
	if d == nil {
		return missingParam("LaunchTemplateData")
	}
	if d.UserData != nil {
		if _, err := base64.StdEncoding.DecodeString(*d.UserData); err != nil {
			return errf("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.")
		}
	}
	for _, ts := range d.TagSpecifications {
		switch ts.ResourceType {
		case ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume, ec2types.ResourceTypeNetworkInterface,
			ec2types.ResourceTypeSpotInstancesRequest, ec2types.ResourceTypeElasticGpu:
		default:
			return errf("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", ts.ResourceType)
		}
	}
	if d.InstanceType != "" {
		if _, _, _, ok := instanceCapacity(string(d.InstanceType)); !ok {
			return errf("InvalidParameterValue", "Invalid value '%s' for InstanceType.", d.InstanceType)
		}
	}
	if d.MetadataOptions != nil && d.MetadataOptions.HttpPutResponseHopLimit != nil {
		if h := *d.MetadataOptions.HttpPutResponseHopLimit; h < 1 || h > 64 {
			return errf("InvalidParameterValue", "The HttpPutResponseHopLimit value must be between 1 and 64.")
		}
	}
	return nil
}

func (t *tx) ltOut(lt *launchTemplate) ec2types.LaunchTemplate {
	return ec2types.LaunchTemplate{
		LaunchTemplateId: aws.String(lt.ID), LaunchTemplateName: aws.String(lt.Name), CreateTime: tp(lt.Created),
		CreatedBy: aws.String("arn:aws:iam::" + t.account() + ":root"), DefaultVersionNumber: aws.Int64(lt.Default),
		LatestVersionNumber: aws.Int64(lt.Latest), Tags: ec2Tags(lt.Tags),
	}
}

func (t *tx) ltVersionOut(lt *launchTemplate, v *ltVersion) ec2types.LaunchTemplateVersion {
	d := clone(v.Data)
	out := ec2types.LaunchTemplateVersion{
		LaunchTemplateId: aws.String(lt.ID), LaunchTemplateName: aws.String(lt.Name), VersionNumber: aws.Int64(v.Number),
		CreateTime: tp(v.Created), CreatedBy: aws.String("arn:aws:iam::" + t.account() + ":root"),
		DefaultVersion: aws.Bool(v.Number == lt.Default), LaunchTemplateData: &d,
	}
	if v.Description != "" {
		out.VersionDescription = aws.String(v.Description)
	}
	return out
}

// ltByRef finds a template by id or name, with EC2's errors.
func (t *tx) ltByRef(id, name string) (*launchTemplate, error) {
	switch {
	case id != "":
		if lt := t.r.EC2.LaunchTemplates[id]; lt != nil && !t.hidden(lt.Created) {
			return lt, nil
		}
		if !strings.HasPrefix(id, "lt-") {
			return nil, errf("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template (%s) is not valid. Launch template IDs start with 'lt-'.", id)
		}
		return nil, errf("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template ID %s, does not exist.", id)
	case name != "":
		for _, k := range sortedKeys(t.r.EC2.LaunchTemplates) {
			if lt := t.r.EC2.LaunchTemplates[k]; lt.Name == name && !t.hidden(lt.Created) {
				return lt, nil
			}
		}
		return nil, errf("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with template name %s, does not exist.", name)
	}
	return nil, errf("MissingParameter", "The request must include either the launch template ID or the launch template name.")
}

func (a *ec2API) CreateLaunchTemplate(ctx context.Context, in *ec2.CreateLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateLaunchTemplate", func(t *tx) (*ec2.CreateLaunchTemplateOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		name := aws.ToString(in.LaunchTemplateName)
		if !ltNameRE.MatchString(name) {
			return nil, errf("InvalidLaunchTemplateName.MalformedException", "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'")
		}
		for _, lt := range t.r.EC2.LaunchTemplates {
			if lt.Name == name {
				return nil, errf("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
			}
		}
		if err := checkLTData(in.LaunchTemplateData); err != nil {
			return nil, err
		}
		if err := checkTagSpecs(in.TagSpecifications, ec2types.ResourceTypeLaunchTemplate); err != nil {
			return nil, err
		}
		d, err := ltDataFromRequest(in.LaunchTemplateData)
		if err != nil {
			return nil, err
		}
		id := ec2ID("lt")
		lt := &launchTemplate{Meta: Meta{ID: id, ARN: t.arn("ec2", "launch-template/"+id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeLaunchTemplate)},
			Name: name, Default: 1, Latest: 1,
			Versions: []*ltVersion{{Number: 1, Description: aws.ToString(in.VersionDescription), Created: t.now, Data: d}}}
		t.r.EC2.LaunchTemplates[id] = lt
		out := t.ltOut(lt)
		return &ec2.CreateLaunchTemplateOutput{LaunchTemplate: &out}, nil
	})
}

func (a *ec2API) CreateLaunchTemplateVersion(ctx context.Context, in *ec2.CreateLaunchTemplateVersionInput, _ ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error) {
	return call(ctx, a.s, svcEC2, "CreateLaunchTemplateVersion", func(t *tx) (*ec2.CreateLaunchTemplateVersionOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		lt, err := t.ltByRef(aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
		if err != nil {
			return nil, err
		}
		if err := checkLTData(in.LaunchTemplateData); err != nil {
			return nil, err
		}
		var d ec2types.ResponseLaunchTemplateData
		if in.SourceVersion != nil {
			src := lt.version(*in.SourceVersion)
			if src == nil {
				return nil, errf("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for template %s.", *in.SourceVersion, lt.ID)
			}
			d, err = mergeLTData(src.Data, in.LaunchTemplateData)
		} else {
			d, err = ltDataFromRequest(in.LaunchTemplateData)
		}
		if err != nil {
			return nil, err
		}
		if len(lt.Versions) >= 10000 {
			return nil, errf("VersionLimitExceeded", "Launch template %s has reached the maximum number of versions.", lt.ID)
		}
		lt.Latest++
		v := &ltVersion{Number: lt.Latest, Description: aws.ToString(in.VersionDescription), Created: t.now, Data: d}
		lt.Versions = append(lt.Versions, v)
		out := t.ltVersionOut(lt, v)
		return &ec2.CreateLaunchTemplateVersionOutput{LaunchTemplateVersion: &out}, nil
	})
}

func (a *ec2API) ModifyLaunchTemplate(ctx context.Context, in *ec2.ModifyLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.ModifyLaunchTemplateOutput, error) {
	return call(ctx, a.s, svcEC2, "ModifyLaunchTemplate", func(t *tx) (*ec2.ModifyLaunchTemplateOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		lt, err := t.ltByRef(aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
		if err != nil {
			return nil, err
		}
		if in.DefaultVersion != nil {
			v := lt.version(*in.DefaultVersion)
			if v == nil {
				return nil, errf("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for template %s.", *in.DefaultVersion, lt.ID)
			}
			lt.Default = v.Number
		}
		out := t.ltOut(lt)
		return &ec2.ModifyLaunchTemplateOutput{LaunchTemplate: &out}, nil
	})
}

func (a *ec2API) DeleteLaunchTemplate(ctx context.Context, in *ec2.DeleteLaunchTemplateInput, _ ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error) {
	return call(ctx, a.s, svcEC2, "DeleteLaunchTemplate", func(t *tx) (*ec2.DeleteLaunchTemplateOutput, error) {
		if err := dryRun(in.DryRun); err != nil {
			return nil, err
		}
		lt, err := t.ltByRef(aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
		if err != nil {
			return nil, err
		}
		out := t.ltOut(lt)
		delete(t.r.EC2.LaunchTemplates, lt.ID)
		return &ec2.DeleteLaunchTemplateOutput{LaunchTemplate: &out}, nil
	})
}

func ltFields(lt *launchTemplate) fields {
	return fields{"launch-template-name": {lt.Name}, "create-time": {lt.Created.Format(time.RFC3339)}, "launch-template-id": {lt.ID}}
}

func (a *ec2API) DescribeLaunchTemplates(ctx context.Context, in *ec2.DescribeLaunchTemplatesInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplatesOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeLaunchTemplates", func(t *tx) (*ec2.DescribeLaunchTemplatesOutput, error) {
		if err := checkFilters(in.Filters, ltFields(&launchTemplate{})); err != nil {
			return nil, err
		}
		want := map[string]bool{}
		for _, id := range in.LaunchTemplateIds {
			lt, err := t.ltByRef(id, "")
			if err != nil {
				return nil, err
			}
			want[lt.ID] = true
		}
		for _, n := range in.LaunchTemplateNames {
			lt, err := t.ltByRef("", n)
			if err != nil {
				return nil, err
			}
			want[lt.ID] = true
		}
		var out []ec2types.LaunchTemplate
		for _, id := range sortedKeys(t.r.EC2.LaunchTemplates) {
			lt := t.r.EC2.LaunchTemplates[id]
			if (len(want) > 0 && !want[id]) || t.hidden(lt.Created) || !matchFilters(in.Filters, lt.Tags, ltFields(lt)) {
				continue
			}
			out = append(out, t.ltOut(lt))
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeLaunchTemplatesOutput{LaunchTemplates: items, NextToken: next}, nil
	})
}

func (a *ec2API) DescribeLaunchTemplateVersions(ctx context.Context, in *ec2.DescribeLaunchTemplateVersionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
	return call(ctx, a.s, svcEC2, "DescribeLaunchTemplateVersions", func(t *tx) (*ec2.DescribeLaunchTemplateVersionsOutput, error) {
		known := fields{"create-time": nil, "ebs-optimized": nil, "iam-instance-profile": nil, "image-id": nil,
			"instance-type": nil, "is-default-version": nil, "kernel-id": nil, "ram-disk-id": nil}
		if err := checkFilters(in.Filters, known); err != nil {
			return nil, err
		}
		var lts []*launchTemplate
		if in.LaunchTemplateId == nil && in.LaunchTemplateName == nil {
			for _, id := range sortedKeys(t.r.EC2.LaunchTemplates) {
				lts = append(lts, t.r.EC2.LaunchTemplates[id])
			}
		} else {
			lt, err := t.ltByRef(aws.ToString(in.LaunchTemplateId), aws.ToString(in.LaunchTemplateName))
			if err != nil {
				return nil, err
			}
			lts = []*launchTemplate{lt}
		}
		var out []ec2types.LaunchTemplateVersion
		for _, lt := range lts {
			var vs []*ltVersion
			if len(in.Versions) > 0 {
				for _, v := range in.Versions {
					ver := lt.version(v)
					if ver == nil {
						return nil, errf("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for template %s.", v, lt.ID)
					}
					vs = append(vs, ver)
				}
			} else {
				vs = lt.Versions
			}
			lo, hi := int64(0), int64(1<<62)
			if in.MinVersion != nil {
				lo, _ = strconv.ParseInt(*in.MinVersion, 10, 64)
			}
			if in.MaxVersion != nil {
				hi, _ = strconv.ParseInt(*in.MaxVersion, 10, 64)
			}
			for _, v := range vs {
				if v.Number < lo || v.Number > hi {
					continue
				}
				f := fields{"is-default-version": {boolStr(v.Number == lt.Default)}, "image-id": {aws.ToString(v.Data.ImageId)},
					"instance-type": {string(v.Data.InstanceType)}, "create-time": {v.Created.Format(time.RFC3339)}}
				if !matchFilters(in.Filters, nil, f) {
					continue
				}
				out = append(out, t.ltVersionOut(lt, v))
			}
		}
		items, next, err := paginateEC2(out, in.MaxResults, in.NextToken)
		if err != nil {
			return nil, err
		}
		return &ec2.DescribeLaunchTemplateVersionsOutput{LaunchTemplateVersions: items, NextToken: next}, nil
	})
}
