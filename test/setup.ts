// The AWS SDK v3 warns once that Node 20 support ends; that is noise in tests, not a finding.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
