package sandbox

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
	e := &eni{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeNetworkInterface, id), Created: at},
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
