package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

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
		CreatedBy: aws.String(rootARN(t.account())), DefaultVersionNumber: aws.Int64(lt.Default),
		LatestVersionNumber: aws.Int64(lt.Latest), Tags: ec2Tags(lt.Tags),
	}
}

func (t *tx) ltVersionOut(lt *launchTemplate, v *ltVersion) ec2types.LaunchTemplateVersion {
	d := clone(v.Data)
	out := ec2types.LaunchTemplateVersion{
		LaunchTemplateId: aws.String(lt.ID), LaunchTemplateName: aws.String(lt.Name), VersionNumber: aws.Int64(v.Number),
		CreateTime: tp(v.Created), CreatedBy: aws.String(rootARN(t.account())),
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
		lt := &launchTemplate{Meta: Meta{ID: id, ARN: t.ec2ARN(ec2types.ResourceTypeLaunchTemplate, id), Created: t.now, Tags: tagsFor(in.TagSpecifications, ec2types.ResourceTypeLaunchTemplate)},
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
