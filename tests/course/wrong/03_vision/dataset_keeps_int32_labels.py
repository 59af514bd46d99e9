# notebook: vision.ipynb
# cell: DigitsDataset
# loses: test_dataset, test_dataset_shapes
# why: stores the labels as given, so int32 labels stay int32 (cross_entropy needs int64)
class DigitsDataset(Dataset):
    def __init__(self, images, labels, transform=None):
        self.images = images
        self.labels = labels
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        image = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, self.labels[index]
