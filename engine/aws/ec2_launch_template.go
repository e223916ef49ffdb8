package aws

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/minimalinfra/mvi/engine/resource"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/minimalinfra/mvi/engine/arch"
)

type launchTemplateHandler struct{}

func (launchTemplateHandler) Describe() resource.Descriptor {
	return resource.Descriptor{Type: arch.TypeLaunchTemplate, Service: arch.VM, DeleteRank: 6,
		ARNKinds: []string{"ec2:launch-template"},
		Console: func(s resource.Site) string {
			return console(s, "ec2/home?region="+s.Region+"#LaunchTemplateDetails:launchTemplateId="+s.PhysicalID)
		},
		Lookup: func(s resource.Site) string {
			return "aws ec2 describe-launch-templates --launch-template-ids " + s.PhysicalID + " " + regionFlag(s)
		},
	}
}

// rootDevice is the root volume of Amazon Linux (2 and 2023) images,
// ECS-optimized ones included.
const rootDevice = "/dev/xvda"

func ltLive(typ string, t ec2types.LaunchTemplate) resource.Live {
	l := newLive(typ, str(t.LaunchTemplateId), ec2TagMap(t.Tags))
	l.State = "available"
	l.Attrs["launch_template_id"] = l.PhysicalID
	l.Attrs["name"] = str(t.LaunchTemplateName)
	if t.DefaultVersionNumber != nil {
		l.Attrs["default_version"] = strconv.FormatInt(*t.DefaultVersionNumber, 10)
	}
	if t.LatestVersionNumber != nil {
		l.Attrs["latest_version"] = strconv.FormatInt(*t.LatestVersionNumber, 10)
	}
	return l
}

func (h launchTemplateHandler) List(ctx context.Context, env resource.Env) ([]resource.Live, error) {
	var out []resource.Live
	p := ec2.NewDescribeLaunchTemplatesPaginator(env.Clients.EC2, &ec2.DescribeLaunchTemplatesInput{Filters: appFilter(env.App)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("list", "launch templates", err)
		}
		for _, t := range page.LaunchTemplates {
			if ours(env.App, ec2TagMap(t.Tags)) {
				out = append(out, ltLive(h.Describe().Type, t))
			}
		}
	}
	return out, nil
}

// userData joins the VM to the app's cluster; task IAM roles are enabled
// for bridge-mode containers.
func userData(cluster string) string {
	s := "#!/bin/bash\ncat >> /etc/ecs/ecs.config <<'EOF'\n" +
		"ECS_CLUSTER=" + cluster + "\n" +
		"ECS_ENABLE_TASK_IAM_ROLE=true\n" +
		"ECS_ENABLE_CONTAINER_METADATA=true\n" +
		"EOF\n"
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// templateData is the VM recipe: the current ECS-optimized image from the
// public SSM parameter, IMDSv2 only with the designed hop limit (1: the
// VM's own agent, on the host network, reaches the metadata; a bridge-mode
// container, one hop further, doesn't, and gets its task role from ECS's
// credential endpoint instead), an encrypted gp3 root volume with the app
// key.
func (h launchTemplateHandler) templateData(ctx context.Context, env resource.Env, r arch.Resource, p arch.LaunchTemplateProps) (*ec2types.RequestLaunchTemplateData, error) {
	ami, err := env.Clients.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(p.AMIParameter)})
	if err != nil {
		return nil, wrap("resolve the image of", r.ID, err)
	}
	image := str(ami.Parameter.Value)
	if image == "" {
		return nil, fmt.Errorf("%s: SSM parameter %s holds no image id", r.ID, p.AMIParameter)
	}
	key, err := depAttr(env, r.ID, p.Key, "arn")
	if err != nil {
		return nil, err
	}
	profile, err := depAttr(env, r.ID, p.InstanceProfile, "arn")
	if err != nil {
		return nil, err
	}
	sg, err := depAttr(env, r.ID, p.SecurityGroup, "group_id")
	if err != nil {
		return nil, err
	}
	cluster, err := depAttr(env, r.ID, p.Cluster, "name")
	if err != nil {
		return nil, err
	}
	tokens := ec2types.LaunchTemplateHttpTokensStateOptional
	if p.IMDSv2 {
		tokens = ec2types.LaunchTemplateHttpTokensStateRequired
	}
	hops := int32(p.IMDSHopLimit)
	if hops == 0 {
		hops = 2 // what a template made before the limit was designed had
	}
	vmTags := map[string]string{resource.TagApp: env.App}
	return &ec2types.RequestLaunchTemplateData{
		ImageId:            aws.String(image),
		InstanceType:       ec2types.InstanceType(p.InstanceType),
		IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Arn: aws.String(profile)},
		SecurityGroupIds:   []string{sg},
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{
			HttpEndpoint:            ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled,
			HttpTokens:              tokens,
			HttpPutResponseHopLimit: aws.Int32(hops),
		},
		BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{
			DeviceName: aws.String(rootDevice),
			Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{
				Encrypted:           aws.Bool(true),
				KmsKeyId:            aws.String(key),
				VolumeSize:          aws.Int32(int32(p.VolumeGiB)),
				VolumeType:          ec2types.VolumeType(p.VolumeType),
				DeleteOnTermination: aws.Bool(true),
			},
		}},
		UserData: aws.String(userData(cluster)),
		TagSpecifications: []ec2types.LaunchTemplateTagSpecificationRequest{
			{ResourceType: ec2types.ResourceTypeInstance, Tags: ec2Tags(withName(vmTags, "mvi-"+env.App))},
			{ResourceType: ec2types.ResourceTypeVolume, Tags: ec2Tags(withName(vmTags, "mvi-"+env.App))},
		},
	}, nil
}

// versionNote describes a template version by the design and the image.
func versionNote(r arch.Resource, data *ec2types.RequestLaunchTemplateData) string {
	return "mvi " + arch.Hash(r.Props) + " " + str(data.ImageId)
}

func withName(m map[string]string, name string) map[string]string {
	out := map[string]string{"Name": name}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (h launchTemplateHandler) Create(ctx context.Context, env resource.Env, r arch.Resource) (resource.Live, error) {
	p, err := propsOf[arch.LaunchTemplateProps]("create", r)
	if err != nil {
		return resource.Live{}, err
	}
	data, err := h.templateData(ctx, env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	name := physName(env.App, r.ID, 128)
	res, err := env.Clients.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(name),
		LaunchTemplateData: data,
		VersionDescription: aws.String(versionNote(r, data)),
		// A retried create with the same design returns the same template.
		ClientToken:       aws.String(clientToken(env, r, str(data.ImageId))),
		TagSpecifications: tagSpec(ec2types.ResourceTypeLaunchTemplate, createTags(env, r, false), name),
	})
	if isCode(err, "InvalidLaunchTemplateName.AlreadyExistsException") {
		found, derr := env.Clients.EC2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateNames: []string{name}})
		if derr != nil || len(found.LaunchTemplates) == 0 {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		lt := found.LaunchTemplates[0]
		if t := ec2TagMap(lt.Tags); t[resource.TagApp] != env.App || t[resource.TagID] != r.ID {
			return resource.Live{}, wrap("create", r.ID, err)
		}
		return h.Update(ctx, env, r, ltLive(h.Describe().Type, lt))
	}
	if err != nil {
		return resource.Live{}, wrap("create", r.ID, err)
	}
	return ltLive(h.Describe().Type, *res.LaunchTemplate), nil
}

// Update adds a template version and makes it the default: the Auto Scaling
// group launches "$Default", so new VMs get it (running VMs keep theirs
// until replaced).
func (h launchTemplateHandler) Update(ctx context.Context, env resource.Env, r arch.Resource, live resource.Live) (resource.Live, error) {
	p, err := propsOf[arch.LaunchTemplateProps]("update", r)
	if err != nil {
		return resource.Live{}, err
	}
	data, err := h.templateData(ctx, env, r, p)
	if err != nil {
		return resource.Live{}, err
	}
	// The default version notes the design and image it was made from:
	// when both are unchanged there is nothing to add.
	cur, err := env.Clients.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
		LaunchTemplateId: aws.String(live.PhysicalID), Versions: []string{"$Default"}})
	if err != nil {
		return resource.Live{}, wrap("describe", r.ID, err)
	}
	if len(cur.LaunchTemplateVersions) != 1 || str(cur.LaunchTemplateVersions[0].VersionDescription) != versionNote(r, data) {
		v, err := env.Clients.EC2.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
			LaunchTemplateId:   aws.String(live.PhysicalID),
			LaunchTemplateData: data,
			VersionDescription: aws.String(versionNote(r, data)),
		})
		if err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
		n := strconv.FormatInt(*v.LaunchTemplateVersion.VersionNumber, 10)
		if _, err := env.Clients.EC2.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{
			LaunchTemplateId: aws.String(live.PhysicalID), DefaultVersion: aws.String(n),
		}); err != nil {
			return resource.Live{}, wrap("update", r.ID, err)
		}
		live.Attrs["default_version"] = n
		live.Attrs["latest_version"] = n
	}
	if live.Hash, err = setHash(ctx, env, r, live.PhysicalID); err != nil {
		return resource.Live{}, err
	}
	return live, nil
}

func (h launchTemplateHandler) Delete(ctx context.Context, env resource.Env, live resource.Live) error {
	_, err := env.Clients.EC2.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(live.PhysicalID)})
	if isCode(err, "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException", "InvalidLaunchTemplateId.Malformed") {
		return nil
	}
	return wrap("delete", live.ID, err)
}

func (h launchTemplateHandler) Ready(ctx context.Context, env resource.Env, live resource.Live) (bool, string, error) {
	res, err := env.Clients.EC2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{live.PhysicalID}})
	if err != nil {
		return false, "", wrap("describe", live.ID, err)
	}
	if len(res.LaunchTemplates) == 0 {
		return false, "waiting for launch template (not found)", nil
	}
	return true, "", nil
}
