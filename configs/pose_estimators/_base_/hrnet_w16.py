# HRNet-W16, the SynthFashion estimators' backbone: stage 1 with two
# bottlenecks of 32 channels, stages 2-4 one module of two basic blocks per
# branch (channels 16/32/64/128); heads read the stride-4 branch (16
# channels). A variable, not a model, so that a bottom-up and a top-down
# config can both take it.
hrnet_w16 = dict(
    type='HRNet',
    in_channels=3,
    extra=dict(
        stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                    num_blocks=(2, ), num_channels=(32, )),
        stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                    num_blocks=(2, 2), num_channels=(16, 32)),
        stage3=dict(num_modules=1, num_branches=3, block='BASIC',
                    num_blocks=(2, 2, 2), num_channels=(16, 32, 64)),
        stage4=dict(num_modules=1, num_branches=4, block='BASIC',
                    num_blocks=(2, 2, 2, 2),
                    num_channels=(16, 32, 64, 128))))
