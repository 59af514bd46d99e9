# notebook: vision.ipynb
# cell: TinyVGG
# loses: test_tinyvgg_shapes, test_tinyvgg_values
# why: hard-codes the classifier's in_features for 8x8 images (2 x 2 left after the blocks)
class TinyVGG(nn.Module):
    def __init__(self, in_channels, hidden_units, num_classes, image_size):
        super().__init__()
        def block(channels_in):
            return nn.Sequential(nn.Conv2d(channels_in, hidden_units, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(hidden_units, hidden_units, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.block_1 = block(in_channels)
        self.block_2 = block(hidden_units)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(hidden_units * 2 * 2, num_classes))

    def forward(self, x):
        return self.classifier(self.block_2(self.block_1(x)))
