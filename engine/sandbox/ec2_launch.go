package sandbox

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
	id := instanceKind.newID()
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
		Meta:        Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeInstance, id), Created: at, Tags: tags},
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
