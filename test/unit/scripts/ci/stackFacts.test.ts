/**
 * What the workflows read from a synthesized stack: names through the stack's outputs, the region, the backend and the
 * image build; a stack whose state would stay on a CI runner is refused with a message naming the file to change.
 */
import {
  outputLines,
  readStackFacts,
  remoteStateProblem,
  StackFactsError,
} from '../../../../scripts/ci/stack';

/** A synthesized stack in the shape infra writes (only what the facts read). */
function stackJson(overrides: { backend?: unknown; alias?: boolean; build?: boolean } = {}) {
  return {
    terraform: { backend: overrides.backend ?? { local: { path: '../../../state/stage.tfstate' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_kinesis_stream: { in_1: { name: 'wq-stage-input' }, out_2: { name: 'wq-stage-predictions' } },
      aws_lambda_function: { fn_3: { function_name: 'wq-stage-scorer' } },
      aws_ecr_repository: { repo_4: { name: 'wq-stage-scorer' } },
      ...(overrides.alias === true ? { aws_lambda_alias: { live_5: { name: 'live' } } } : {}),
      ...(overrides.build === false
        ? {}
        : {
            terraform_data: {
              build_6: {
                triggers_replace: { content_hash: 'ab'.repeat(32), platform: 'linux/amd64' },
                input: { image_tag: `src-${'ab'.repeat(16)}-amd64` },
              },
            },
          }),
    },
    output: {
      input_stream_name: { value: '${aws_kinesis_stream.in_1.name}' },
      output_stream_name: { value: '${aws_kinesis_stream.out_2.name}' },
      function_name: { value: '${aws_lambda_function.fn_3.function_name}' },
      ecr_repository_url: { value: '${aws_ecr_repository.repo_4.repository_url}' },
    },
  };
}

describe('stack facts', () => {
  it('reads names through the outputs, and the image build infra would run', () => {
    // Act
    const facts = readStackFacts(stackJson({ alias: true }), 'stage', 'stage.json');

    // Assess
    expect(outputLines(facts)).toEqual([
      'region=eu-west-1',
      'backend=local',
      'function_name=wq-stage-scorer',
      'alias_name=live',
      'input_stream=wq-stage-input',
      'output_stream=wq-stage-predictions',
      'ecr_repository=wq-stage-scorer',
      'ecr_address=aws_ecr_repository.repo_4',
      `content_hash=${'ab'.repeat(32)}`,
      `image_tag=src-${'ab'.repeat(16)}-amd64`,
      'platform=linux/amd64',
    ]);
  });

  it('leaves the alias and the build empty when the stack has none', () => {
    // Act
    const lines = outputLines(readStackFacts(stackJson({ build: false }), 'stage', 'stage.json'));

    // Assess
    expect(lines).toEqual(
      expect.arrayContaining(['alias_name=', 'content_hash=', 'image_tag=', 'platform=']),
    );
  });

  it('refuses local state for CI and accepts S3 state', () => {
    // Prepare
    const local = readStackFacts(stackJson(), 'stage', 'stage.json');
    const s3 = readStackFacts(
      stackJson({ backend: { s3: { bucket: 'tf', key: 'wine/stage.tfstate', region: 'eu-west-1' } } }),
      'stage',
      'stage.json',
    );

    // Act / Assess
    expect(remoteStateProblem(local)).toMatch(/^infra\/config\/stage\.json: backend is "local" /);
    expect(remoteStateProblem(s3)).toBeUndefined();
  });

  it('names the output a stack lacks', () => {
    // Prepare
    const json = stackJson();
    delete (json.output as Partial<typeof json.output>).function_name;

    // Act / Assess
    expect(() => readStackFacts(json, 'stage', 'cdk.tf.json')).toThrow(
      new StackFactsError('cdk.tf.json: output "function_name" is missing or is not a resource reference'),
    );
  });
});
